import { isDeepStrictEqual } from 'node:util';
import { isMap, isScalar, parseDocument, stringify, type Document, type Node } from 'yaml';

/**
 * Sets `path` to `value` in YAML text and changes nothing else: a scalar that exists is replaced where
 * it stands, a new key is added as the last line(s) of the nearest block mapping that exists. Where
 * neither applies (a flow mapping such as `{}`, a file without a mapping), the yaml Document API sets
 * it instead; it keeps comments, but may move a comment that sits between two sections.
 */
export function setInYamlText(text: string, path: string[], value: unknown): string {
  const doc = parseDocument(text);
  const edited = inPlace(text, doc, path, value);
  if (edited !== undefined && isDeepStrictEqual(parseDocument(edited).getIn(path), value)) return edited;
  doc.setIn(path, doc.createNode(value));
  return doc.toString({ lineWidth: 0 });
}

function inPlace(text: string, doc: Document, path: string[], value: unknown): string | undefined {
  const existing = doc.getIn(path, true) as Node | undefined;
  if (existing !== undefined) {
    if (!isScalar(existing) || !existing.range || isObject(value)) return undefined;
    const rendered = render(value);
    if (rendered.includes('\n')) return undefined;
    return text.slice(0, existing.range[0]) + rendered + text.slice(existing.range[1]);
  }
  // the nearest block mapping on the path that exists, and the keys still missing below it
  for (let depth = path.length - 1; depth >= 0; depth--) {
    const parent = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (parent === undefined || parent === null) continue;
    if (!isMap(parent) || parent.flow || parent.items.length === 0) return undefined;
    const first = parent.items[0]!.key as Node;
    const last = parent.items[parent.items.length - 1]!;
    const end = (last.value as Node | null)?.range?.[1] ?? (last.key as Node).range?.[1];
    if (!first.range || end === undefined) return undefined;
    const indent = first.range[0] - (text.lastIndexOf('\n', first.range[0] - 1) + 1);
    const nested = path.slice(depth).reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
    const lines = render(nested)
      .split('\n')
      .map((line) => ' '.repeat(indent) + line)
      .join('\n');
    const lineEnd = text.indexOf('\n', Math.max(end - 1, 0));
    const at = lineEnd === -1 ? text.length : lineEnd + 1;
    const before = text.slice(0, at);
    return `${before}${before.endsWith('\n') || before === '' ? '' : '\n'}${lines}\n${text.slice(at)}`;
  }
  return undefined;
}

function render(value: unknown): string {
  return stringify(value, { lineWidth: 0 }).replace(/\n$/, '');
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}

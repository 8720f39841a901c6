import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { UserInputError } from '../errors.js';
import { defaultConfig } from './defaults.js';
import { configSchema, type Config } from './schema.js';

export const DEFAULT_CONFIG_FILE = 'mtpipe.yaml';

export interface LoadedConfig {
  config: Config;
  /** defaults, file and flags merged, before validation (answers to prompts are set here) */
  raw: Record<string, unknown>;
  /** the file read, or undefined when the built-in default configuration is used alone */
  file: string | undefined;
  /** whether a flag or mtpipe.yaml sets this dotted key (no prompt is shown for it then) */
  isExplicit(key: string): boolean;
  /** the value a dotted key has without the flags: from mtpipe.yaml, else the built-in default */
  withoutFlags(key: string): { value: unknown; inFile: boolean };
}

export interface LoadOptions {
  file: string;
  /** --config was given: a missing file is then an error, not "use the defaults" */
  fileRequired: boolean;
  /** region when neither mtpipe.yaml nor --region sets one; asked only then */
  fallbackRegion: () => Promise<string>;
  /** values from flags, as dotted keys; they win over the file */
  overrides?: Record<string, unknown>;
  /** the flag that sets a dotted key, named in error messages */
  flagFor?: (key: string) => string | undefined;
}

export async function loadConfig(options: LoadOptions): Promise<LoadedConfig> {
  const text = await readOptional(options.file, options.fileRequired ? '--config' : options.file);
  if (text === undefined && options.fileRequired) {
    throw new UserInputError([`--config: file ${options.file} does not exist`], { hint: 'create one with `mtpipe init`' });
  }
  const fromFile = text === undefined ? {} : parseYaml(text, options.file);
  const overrides = Object.entries(options.overrides ?? {}).filter(([, value]) => value !== undefined);
  const regionGiven = fromFile.region !== undefined || overrides.some(([key]) => key === 'region');
  const raw = mergeOver(defaultConfig(regionGiven ? 'us-east-1' : await options.fallbackRegion()), fromFile);
  const beforeFlags = structuredClone(raw);
  for (const [key, value] of overrides) setDotted(raw, key, value);
  const source = text === undefined ? 'the flags' : `${options.file} or the flags`;
  // jitless: zod's compiled fast path costs more to generate (new Function) than the one parse of a run saves
  const parsed = configSchema.safeParse(raw, { jitless: true });
  if (!parsed.success) {
    throw new UserInputError(formatIssues(parsed.error.issues, raw, options.flagFor), { hint: `fix ${source} and run again` });
  }
  return {
    config: parsed.data,
    raw,
    file: text === undefined ? undefined : options.file,
    isExplicit: (key) => getDotted(fromFile, key) !== undefined || overrides.some(([flagKey]) => flagKey === key),
    withoutFlags: (key) => ({ value: getDotted(beforeFlags, key), inFile: getDotted(fromFile, key) !== undefined }),
  };
}

/** One line per broken rule, each naming the dotted path of the field (and the flag that sets it). */
export function formatIssues(
  issues: z.core.$ZodIssue[],
  raw: Record<string, unknown>,
  flagFor?: (key: string) => string | undefined,
): string[] {
  return issues.map((issue) => {
    const key = issue.path.map(String).join('.');
    const flag = flagFor?.(key);
    const path = (key || '(top level)') + (flag ? ` (${flag})` : '');
    if (issue.code === 'unrecognized_keys') {
      const where = issue.path.length ? `${path}: ` : '';
      return `${where}unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    }
    if (issue.code === 'invalid_key') {
      // a record's key broke its rule (an environment named "Dev"): say which name and which rule
      const name = String(issue.path[issue.path.length - 1]);
      return `${path}: the name "${name}" ${issue.issues.map((inner) => inner.message).join('; ')}`;
    }
    // zod 4 leaves `input` off its issues: whether the key is missing is read from the raw configuration.
    if (issue.code === 'invalid_type' && valueAt(raw, issue.path) === undefined) return `${path}: is required`;
    return `${path}: ${issue.message}`;
  });
}

async function readOptional(file: string, named: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    const why = code === 'EISDIR' ? 'is a directory: give the path of a YAML file' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${code ?? (error as Error).message})`;
    throw new UserInputError([`${named}: ${file} ${why}`]);
  }
}

function parseYaml(text: string, file: string): Record<string, unknown> {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new UserInputError(doc.errors.map((e) => `${file}: ${e.message.split('\n')[0]}`));
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new UserInputError([`${file}: must be a YAML mapping of keys to values`]);
  }
  return value as Record<string, unknown>;
}

/** Top-level sections a mtpipe.yaml gives whole: they replace the built-in ones rather than merge into them. */
export const REPLACED_WHOLE = new Set(['environments']);

function mergeOver(base: Record<string, unknown>, over: Record<string, unknown>, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] =
      isPlainObject(value) && isPlainObject(current) && !(depth === 0 && REPLACED_WHOLE.has(key))
        ? mergeOver(current, value, depth + 1)
        : value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function getDotted(object: Record<string, unknown>, key: string): unknown {
  return valueAt(object, key.split('.'));
}

function valueAt(object: Record<string, unknown>, path: readonly PropertyKey[]): unknown {
  let node: unknown = object;
  for (const part of path) {
    if (!isPlainObject(node)) return undefined;
    node = node[String(part)];
  }
  return node;
}

export function setDotted(object: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = object;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(node[part])) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

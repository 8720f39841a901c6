import { readFile, writeFile } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import { parseDocument } from 'yaml';
import type { ConfigDraft } from './draft.js';
import { REPLACED_WHOLE, type LoadedConfig } from './load.js';
import { setInYamlText } from './yaml-edit.js';

/** One setting this run keeps in mtpipe.yaml. */
export interface ConfigWrite {
  /** dotted key */
  key: string;
  value: unknown;
  /** the flag it came from; undefined for a wizard answer */
  flag?: string;
}

export interface FlagValues {
  /** flag values keyed by the dotted config key they set */
  overrides: Record<string, unknown>;
  flagFor: (key: string) => string | undefined;
}

/**
 * What this run keeps in mtpipe.yaml: every wizard answer, and, with `save` (--save), every flag whose
 * value differs from the file (or, where the file is silent, from the built-in default). A differing
 * flag that is not saved becomes a warning: the next run without it goes back to the file's value.
 */
export function configWrites(
  draft: ConfigDraft,
  loaded: LoadedConfig,
  flags: FlagValues,
  options: { save: boolean; file: string },
): { writes: ConfigWrite[]; warnings: string[] } {
  const writes: ConfigWrite[] = [...draft.answers].map(([key, value]) => ({ key, value }));
  const warnings: string[] = [];
  for (const [key, value] of Object.entries(flags.overrides)) {
    if (value === undefined) continue;
    const before = loaded.withoutFlags(key);
    if (isDeepStrictEqual(before.value, value)) continue;
    const flag = flags.flagFor(key) ?? key;
    if (options.save) {
      writes.push({ key, value, flag });
      continue;
    }
    const was = `${key}: ${formatValue(before.value)}${before.inFile ? '' : ', the default'}`;
    warnings.push(`${flag} ${formatValue(value)} differs from ${options.file} (${was}): the next run without it will undo it; add --save to keep it`);
  }
  return { writes, warnings };
}

export function formatValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Writes settings into the configuration file so that its comments, key order and layout stay (see
 * setInYamlText); a missing file is created. A key under a section the file must give whole
 * (`environments`, which replaces the built-in set) writes the whole section from `raw` when the file
 * has none yet, so that the other environments are not lost.
 */
export async function saveConfigValues(file: string, writes: ConfigWrite[], raw: Record<string, unknown>): Promise<void> {
  const original = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  let text = original ?? '';
  for (const { key, value } of writes) {
    const path = key.split('.');
    const section = path[0]!;
    const whole = path.length > 1 && REPLACED_WHOLE.has(section) && parseDocument(text).get(section) === undefined;
    text = whole ? setInYamlText(text, [section], raw[section]) : setInYamlText(text, path, value);
  }
  await writeFile(file, text, 'utf8');
}

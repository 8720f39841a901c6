import { access, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONFIG_FILE } from '../config/load.js';
import { MtpipeError } from '../errors.js';

export const CONFIG_TEMPLATE = fileURLToPath(new URL('../templates/mtpipe.yaml', import.meta.url));

/** Writes a commented mtpipe.yaml (the built-in configuration, spelled out); never overwrites without --force. */
export async function writeConfigFile(file: string | undefined, force: boolean): Promise<string> {
  const path = file ?? DEFAULT_CONFIG_FILE;
  if (!force && (await exists(path))) {
    throw new MtpipeError('file_exists', `${path} already exists`, { exitCode: 2, hint: 'pass --force to overwrite it' });
  }
  await writeFile(path, await readFile(CONFIG_TEMPLATE, 'utf8'), 'utf8');
  return path;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

import { access, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONFIG_FILE } from '../config/load.js';
import { MtpipeError, UserInputError } from '../errors.js';
import { templatePath } from '../templates/render.js';

export const CONFIG_TEMPLATE = fileURLToPath(templatePath('mtpipe.yaml'));

/**
 * Writes a commented mtpipe.yaml (the built-in configuration, spelled out), creating its directory
 * when missing; never overwrites without --force.
 * @throws UserInputError when the path is a directory or cannot be written
 */
export async function writeConfigFile(file: string | undefined, force: boolean): Promise<string> {
  const path = file ?? DEFAULT_CONFIG_FILE;
  const named = file === undefined ? path : '--config';
  if ((await stat(path).catch(() => undefined))?.isDirectory()) {
    throw new UserInputError([`${named}: ${path} is a directory: give the path of the file to write`]);
  }
  if (!force && (await exists(path))) {
    throw new MtpipeError('file_exists', `${path} already exists`, { exitCode: 2, hint: 'pass --force to overwrite it' });
  }
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, await readFile(CONFIG_TEMPLATE, 'utf8'), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EROFS' || code === 'ENOTDIR' || code === 'EEXIST') {
      throw new UserInputError([`${named}: cannot write ${path} (${code === 'EACCES' ? 'permission denied' : code === 'EROFS' ? 'read-only file system' : 'a part of the path is a file'})`]);
    }
    throw error;
  }
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

// Module resolve hook: appends the URL of every module resolved to a log file, one per line.
// Registered by record-imports.mjs; the log file is named by MTPIPE_IMPORT_LOG.
import { appendFileSync } from 'node:fs';

let logFile = process.env.MTPIPE_IMPORT_LOG;

export function initialize(data) {
  if (data && typeof data.logFile === 'string') logFile = data.logFile;
}

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (logFile) appendFileSync(logFile, `${resolved.url}\n`);
  return resolved;
}

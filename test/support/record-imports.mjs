// Usage: MTPIPE_IMPORT_LOG=/tmp/imports.log node --import ./test/support/record-imports.mjs bin/mtpipe --help
// Records every module the process resolves (see import-hooks.mjs), so a test can tell what start-up loads.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';
import { pathToFileURL } from 'node:url';

register('./import-hooks.mjs', import.meta.url, { data: { logFile: process.env.MTPIPE_IMPORT_LOG } });

// dist/ is CommonJS (scripts/build.js), and Node 20's resolve hooks see only imports: require() is
// logged here, in the same form (a file: URL, or `node:` and the builtin's name).
const logFile = process.env.MTPIPE_IMPORT_LOG;
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (logFile) {
    const resolved = Module.isBuiltin(request) ? `node:${request.replace(/^node:/, '')}` : pathToFileURL(Module._resolveFilename(request, parent, isMain)).href;
    appendFileSync(logFile, `${resolved}\n`);
  }
  return load.call(this, request, parent, isMain);
};

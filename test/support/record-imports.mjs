// Usage: MTPIPE_IMPORT_LOG=/tmp/imports.log node --import ./test/support/record-imports.mjs bin/mtpipe --help
// Records every module the process resolves (see import-hooks.mjs), so a test can tell what start-up loads.
import { register } from 'node:module';

register('./import-hooks.mjs', import.meta.url, { data: { logFile: process.env.MTPIPE_IMPORT_LOG } });

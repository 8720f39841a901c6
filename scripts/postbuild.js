// After scripts/build.js: copy the template files next to the bundle's chunks and write the JSON Schema of mtpipe.yaml.
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { z } from 'zod';
import { PARSED_TEMPLATES, parsedTemplates } from './parsed-templates.js';

// templatePath() (src/templates/render.ts) looks next to the module that calls it: src/templates/ when
// run from the sources, dist/ when bundled (every chunk is in dist/ itself).
await cp('src/templates', 'dist', { recursive: true, filter: (source) => !source.endsWith('.ts') });
// the same templates parsed, for render.ts (see parsed-templates.js)
await writeFile(join('dist', PARSED_TEMPLATES), `${JSON.stringify(parsedTemplates())}\n`);
// dist/ holds CommonJS chunks (scripts/build.js)
const require = createRequire(import.meta.url);
const { configSchema } = require('../dist/config-schema.js');
const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
await mkdir('schema', { recursive: true });
await writeFile(
  'schema/mtpipe.schema.json',
  `${JSON.stringify({ title: 'mtpipe.yaml', ...schema }, null, 2)}\n`,
);

// V8's code cache of the chunks that an offline plan loads (bin/compile-cache.js uses it at run time)
const { writeCompileCache } = await import('./compile-cache.js');
writeCompileCache();

// The help texts bin/mtpipe prints without loading commander; written at 80 columns, as for a pipe.
Object.defineProperty(process.stdout, 'isTTY', { value: false });
const { buildProgram } = require('../dist/cli.js');
const program = buildProgram();
const help = { '': program.helpInformation(), '--version': `${program.version()}\n` };
for (const command of program.commands) help[command.name()] = command.helpInformation();
await writeFile('dist/help.json', `${JSON.stringify(help)}\n`);

// `npm run build`: bundles src/ into dist/ with rolldown, then scripts/postbuild.js adds the templates,
// the JSON Schema and the help texts. Types are checked by `npm run typecheck` (tsc emits nothing).
//
// Why a bundle: the AWS SDK's packages, loaded as installed (their CommonJS builds, one file per
// module), cost most of mtpipe's start-up time and memory. Bundled from their ES module builds
// (`dist-es`, chosen by `mainFields`) and tree-shaken, only the commands and shapes mtpipe uses remain.
// Every dynamic `import()` (src/aws/sdk.ts, the command modules in src/cli.ts) stays a chunk of its
// own, loaded on first use; a service package's chunk is named `aws-sdk-client-<service>.js`.
//
// CommonJS chunks (dist/package.json says so): Node's CommonJS loader takes a file for much less than its
// ES module loader (resolve, translate, link per module), and the offline `bootstrap --dry-run` loads
// about 60 of them: 219 -> 187 ms, 9.2x -> 7.8x `node -e 0` (medians of 15 alternating runs). A
// dynamic import() of a chunk becomes a require() inside a promise, so it is still loaded on first use.
//
// Everything is bundled, but package.json's `dependencies` stay as they are: a few modules still
// resolve packages at run time (src/config/partition.ts reads `@aws-sdk/core/client`'s source,
// src/commands/push-files.ts requires `ignore`, src/cli.ts reads ../package.json), and `npm install`
// of mtpipe must keep working for them.
import { rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { build } from 'rolldown';
import { lazyBuiltins } from './lazy-builtins.js';
import { sdkFacades } from './sdk-facades.js';

const SERVICE_PACKAGE = /@aws-sdk[\\/](client-[^\\/]+)(?:[\\/]|$)/;

// Two chunks of mtpipe's own code instead of about 45 (Node's loader pays per file: resolve, stat,
// read, compile): `cli-shared`, what src/cli.ts imports statically (commander, the flags, errors.ts),
// and `mtpipe`, all the rest of src/ with zod, yaml and picocolors, loaded at the first command that
// runs. `mtpipe help` and --help load no zod or yaml still (test/e2e/startup.test.ts). The AWS SDK
// keeps rolldown's own chunks: a service package's loads on first use (test/e2e/lazy-sdk.test.ts).
// Offline `bootstrap --dry-run`: 142.7 -> 134.7 ms, 4.87x -> 4.59x `node -e 0` (medians of 21).
const ENTRY = resolve('src/cli.ts');
const OWN_CODE = /[\\/](src[\\/]|node_modules[\\/](zod|yaml|picocolors)[\\/])/;
const entryImports = new Set();

/** Collects what src/cli.ts imports statically, directly or not (into entryImports). */
const entryImportsPlugin = {
  name: 'mtpipe-entry-imports',
  buildEnd() {
    const todo = [ENTRY];
    while (todo.length > 0) {
      const id = todo.pop();
      if (entryImports.has(id)) continue;
      entryImports.add(id);
      todo.push(...(this.getModuleInfo(id)?.importedIds ?? []));
    }
  },
};

await rm('dist', { recursive: true, force: true });
await build({
  // postbuild.js takes configSchema from the second entry
  input: { cli: 'src/cli.ts', 'config-schema': 'src/config/schema.ts' },
  platform: 'node',
  // The SDK's packages offer an ES module build under "module", both in package.json (by the SDK's
  // clients) and in their exports maps, where "module" comes before "node" (the CommonJS build).
  resolve: { mainFields: ['module', 'main'], conditionNames: ['module', 'node', 'import', 'default'] },
  treeshake: true,
  // sdk.ts's import() of a service package brings only what src/ takes from it (see sdk-facades.js)
  // builtins such as node:child_process, node:crypto and node:http are required on first use (see lazy-builtins.js)
  plugins: [sdkFacades(), lazyBuiltins(), entryImportsPlugin],
  // lazy-builtins.js edits the chunks through rolldown's own MagicString, which keeps the source maps right
  experimental: { nativeMagicString: true },
  // src/ imports a command module both ways (cli.ts on first use, bootstrap.ts statically); one chunk holds both
  checks: { ineffectiveDynamicImport: false },
  output: {
    dir: 'dist',
    format: 'cjs',
    // "use strict" in every chunk: the sources are ES modules, strict as they were in ESM chunks
    strict: true,
    // every chunk in dist/ itself: src/templates/render.ts finds the templates next to it (see postbuild.js)
    entryFileNames: '[name].js',
    codeSplitting: {
      groups: [
        { name: 'cli-shared', priority: 2, test: (id) => entryImports.has(id) && id !== ENTRY },
        { name: 'mtpipe', priority: 1, test: (id) => OWN_CODE.test(id) && !id.startsWith('\0') && !entryImports.has(id) },
      ],
    },
    chunkFileNames: (chunk) => {
      const service = chunk.facadeModuleId?.match(SERVICE_PACKAGE);
      return service ? `aws-sdk-${service[1]}.js` : '[name]-[hash].js';
    },
    // names of functions and classes kept as written (`Client.name`, the SDK's and our error classes)
    keepNames: true,
    // minified, the offline plan's resident memory is ~3 MiB lower and its start ~5% faster (Node 20);
    // `node --enable-source-maps bin/mtpipe …` gives stack traces in the sources' terms
    minify: true,
    sourcemap: true,
  },
});
// the package is "type": "module"; the chunks are CommonJS
await writeFile('dist/package.json', `${JSON.stringify({ type: 'commonjs' })}\n`);

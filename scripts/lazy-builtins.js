import { createRequire } from 'node:module';

// A rolldown plugin for scripts/build.js: Node builtins that cost a few milliseconds each to load
// (child_process, crypto, http: 11-12 ms apiece on this machine, less together) are required by a
// chunk only when first used, not when the chunk loads. commander requires node:child_process for
// subcommands mtpipe does not have; the SDK's credential chain requires node:http for instance metadata.
//
// In a CommonJS chunk, a builtin that an ES module imports is `let node_x = require("node:x");` and
// every use reads a property of it (`node_x.spawn(…)`), when it runs; a bundled CommonJS package has
// `const childProcess = require("node:child_process");` alike. The plugin makes that variable a
// proxy that requires the builtin on its first property read. A default import adds
// `node_x = <runtime>.__toESM(node_x);`, which would read every property at once: it is dropped, and
// the proxy answers `default` with the builtin itself, as __toESM does for a builtin. A builtin
// required in another form (`require("node:events").EventEmitter`) is left as it is: loaded at once.
//
// Only builtins whose export is a plain object: the proxy is not a function, so `class X extends
// require("stream")` (mute-stream, under @inquirer/prompts) would fail with node:stream in the list.
const LAZY = [
  'async_hooks', 'child_process', 'crypto', 'dgram', 'dns', 'fs/promises', 'http', 'http2', 'https', 'net', 'os',
  'perf_hooks', 'readline', 'timers/promises', 'tls', 'tty', 'worker_threads', 'zlib',
];
const require = createRequire(import.meta.url);
for (const builtin of LAZY) {
  if (typeof require(builtin) !== 'object') throw new Error(`lazy-builtins: node:${builtin} exports a ${typeof require(builtin)}, not an object; take it off LAZY`);
}

const HELPER = '__mtpipeLazyBuiltin';

// a function declaration: hoisted, so the chunk's first lines may already call it
const HELPER_SOURCE = `
function ${HELPER}(id) {
  let loaded;
  const load = () => (loaded ??= require(id));
  return new Proxy({}, {
    get: (_, key) => (key === "default" ? load() : load()[key]),
    has: (_, key) => key === "default" || key in load(),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
  });
}
`;

const DECLARATION = /^\s*(?:let|const|var) ([\w$]+) = require\(("(?:node:)?([\w/]+)")\);$/gm;

/** The plugin; it needs `experimental: { nativeMagicString: true }` (the edits keep the source maps right). */
export function lazyBuiltins() {
  return {
    name: 'mtpipe-lazy-builtins',
    renderChunk(code, chunk, outputOptions, { magicString }) {
      if (outputOptions.format !== 'cjs') return null;
      if (!magicString) throw new Error('lazy-builtins: set experimental.nativeMagicString in the rolldown options');
      let changed = false;
      for (const match of code.matchAll(DECLARATION)) {
        const [line, name, , builtin] = match;
        if (!LAZY.includes(builtin)) continue;
        // by position: the same line may occur twice in a chunk (two bundled packages)
        const call = match.index + line.indexOf('require(');
        magicString.overwrite(call, call + 'require'.length, HELPER);
        const escaped = name.replace(/\$/g, '\\$');
        // the default import's interop, on the next line
        const interop = new RegExp(`^\\n${escaped} = [\\w$]+\\.[\\w$]+\\(${escaped}(, 1)?\\);`).exec(code.slice(match.index + line.length));
        if (interop) magicString.remove(match.index + line.length + 1, match.index + line.length + interop[0].length);
        changed = true;
      }
      if (!changed) return null;
      magicString.append(HELPER_SOURCE);
      return magicString;
    },
  };
}

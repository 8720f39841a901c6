// V8's code cache for dist/'s chunks. Node 20 compiles every CommonJS file from its source on each
// run (module.enableCompileCache exists from Node 22.1 only); here a chunk of dist/ is compiled with
// the cache that the build wrote for it (scripts/compile-cache.js: after an offline `bootstrap
// --dry-run`, so that the functions it ran are in the cache too, not only the top level).
//
// Nothing is written at run time. The cache is used only when every condition holds, else the chunk
// compiles as Node would have compiled it:
//   - dist/compile-cache/<node version>-<arch>/ exists (the build ran with this Node),
//   - the chunk is no newer than when its cache was written (index.json holds its mtime),
//   - V8 accepts the data: it checks its own version, the source's length and the V8 flags
//     (`node bin/mtpipe` without the shebang's --max-semi-space-size=2 is refused; after one refusal
//     the rest of the run does not try),
//   - source maps are off (`--enable-source-maps` maps only what Node's own loader compiled),
//   - Node can give a vm.Script the main context's import() (vm.constants, Node 20.12 and later).
'use strict';
const Module = require('node:module');
const { readFileSync, statSync } = require('node:fs');
const { basename, dirname, join } = require('node:path');
const vm = require('node:vm');

const DIST = join(__dirname, '..', 'dist');
const PARAMETERS = ['exports', 'require', 'module', '__filename', '__dirname'];

/** Where the cache of this Node lives (one directory per Node version and architecture). */
function cacheDirectory() {
  return join(DIST, 'compile-cache', `${process.version}-${process.arch}`);
}

/** A require() for `module`, as Node's own loader makes it for a CommonJS file. */
function requireFor(module) {
  const require = (id) => module.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, module, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, module);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

/**
 * Compiles dist/'s chunks with the code cache from now on. With `record` (the build only), every
 * chunk compiled is kept, and `record` is called at exit with [chunk file name, Buffer] pairs.
 * Returns whether the cache is in use.
 */
function useCompileCache({ directory = cacheDirectory(), record } = {}) {
  const importModuleDynamically = vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  if (!importModuleDynamically || process.sourceMapsEnabled || process.execArgv.includes('--enable-source-maps')) return false;
  let index = {};
  if (!record) {
    try {
      index = JSON.parse(readFileSync(join(directory, 'index.json'), 'utf8'));
    } catch {
      return false;
    }
  }
  const compiled = [];
  let refused = false;
  const compile = Module.prototype._compile;
  Module.prototype._compile = function compileWithCache(content, filename) {
    const name = basename(filename);
    if (refused || dirname(filename) !== DIST || (!record && !(name in index))) return compile.call(this, content, filename);
    let cachedData;
    if (!record && statSync(filename).mtimeMs === index[name]) {
      try {
        cachedData = readFileSync(join(directory, `${name}.cache`));
      } catch {
        cachedData = undefined;
      }
    }
    // the wrapper on a line of its own, and lineOffset -1: the chunk's lines and columns stay as written
    const script = new vm.Script(`(function (${PARAMETERS.join(', ')}) {\n${content}\n})`, { filename, lineOffset: -1, cachedData, importModuleDynamically });
    if (cachedData && script.cachedDataRejected) refused = true;
    if (record) compiled.push([name, script]);
    const wrapper = script.runInThisContext({ displayErrors: true });
    return Reflect.apply(wrapper, this.exports, [this.exports, requireFor(this), this, filename, dirname(filename)]);
  };
  if (record) process.once('exit', () => record(compiled.map(([name, script]) => [name, script.createCachedData()])));
  return true;
}

module.exports = { cacheDirectory, useCompileCache, DIST };

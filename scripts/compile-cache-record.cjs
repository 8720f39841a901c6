// Preloaded (node -r) by scripts/compile-cache.js into a run of bin/mtpipe: compiles dist/'s chunks
// through bin/compile-cache.js and, at exit, writes each one's V8 code cache into MTPIPE_COMPILE_CACHE_OUT.
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { useCompileCache } = require('../bin/compile-cache.js');

const out = process.env.MTPIPE_COMPILE_CACHE_OUT;
useCompileCache({
  record: (entries) => {
    for (const [name, data] of entries) writeFileSync(join(out, `${name}.cache`), data);
  },
});

// Usage: MTPIPE_CODE_CACHE_LOG=/tmp/cache.json node -r ./test/support/count-code-cache.cjs bin/mtpipe …
// Counts the scripts compiled with V8 code cache data (bin/compile-cache.js), and how many V8 took
// or refused; writes {"accepted": n, "rejected": n} to the file at exit.
const { writeFileSync } = require('node:fs');
const vm = require('node:vm');

const counts = { accepted: 0, rejected: 0 };
const Script = vm.Script;
vm.Script = class CountedScript extends Script {
  constructor(source, options) {
    super(source, options);
    if (options?.cachedData) counts[this.cachedDataRejected ? 'rejected' : 'accepted'] += 1;
  }
};
process.once('exit', () => writeFileSync(process.env.MTPIPE_CODE_CACHE_LOG, JSON.stringify(counts)));

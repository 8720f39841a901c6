// Start-up cost of mtpipe, measured against bare Node in the same run (`npm run bench`, after a build).
//   1. `node -e 0` vs `node bin/mtpipe --help`: alternating runs after warm-ups; medians, p90 and the
//      ratio of medians (issue 12's goal: at most 1.2x).
// The offline `bootstrap --dry-run` against `node -e 0` is measured by bench/apply.js (with `mtpipe init`'s
// configuration and its peak memory).
// It prints figures and does not fail on the goal.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'bin', 'mtpipe');
const WARMUPS = 3;
const RUNS = 30;
const GOAL = 1.2;

function median(values) {
  return percentile(values, 0.5);
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  const index = (sorted.length - 1) * p;
  const low = Math.floor(index);
  const high = Math.ceil(index);
  return sorted[low] + (sorted[high] - sorted[low]) * (index - low);
}

/** Wall time of one run, in ms; a failed run stops the benchmark (its figures would mean nothing). */
function time(args, options = {}) {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], ...options });
  const elapsed = performance.now() - started;
  if (result.error || result.status !== 0) {
    throw new Error(`node ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}): ${result.stderr}`);
  }
  return elapsed;
}

const ms = (value) => `${value.toFixed(1).padStart(7)} ms`;

function report(label, samples) {
  console.log(`${label.padEnd(34)} median ${ms(median(samples))}   p90 ${ms(percentile(samples, 0.9))}   (n=${samples.length})`);
}

function main() {
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) {
    console.error('dist/cli.js is missing: run `npm run build` first (`npm run bench` builds before it measures)');
    process.exitCode = 1;
    return;
  }
  const home = mkdtempSync(join(tmpdir(), 'mtpipe-bench-'));
  try {
    const baseEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, NO_COLOR: '1', CI: 'true' };
    const bare = ['-e', '0'];
    const help = [BIN, '--help'];

    for (let i = 0; i < WARMUPS; i += 1) {
      time(bare, { env: baseEnv });
      time(help, { env: baseEnv });
    }
    const bareSamples = [];
    const helpSamples = [];
    for (let i = 0; i < RUNS; i += 1) {
      // alternate, so that drift in machine load hits both alike
      bareSamples.push(time(bare, { env: baseEnv }));
      helpSamples.push(time(help, { env: baseEnv }));
    }

    console.log(`mtpipe start-up (node ${process.version}, ${RUNS} runs each after ${WARMUPS} warm-ups, alternating)`);
    report('node -e 0', bareSamples);
    report('node bin/mtpipe --help', helpSamples);
    const ratio = median(helpSamples) / median(bareSamples);
    const verdict = ratio <= GOAL ? 'meets' : 'MISSES';
    console.log(`ratio of medians (--help / node -e 0): ${ratio.toFixed(2)}x   goal <= ${GOAL}x: ${verdict} it`);

  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

main();

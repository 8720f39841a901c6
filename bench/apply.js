// Round trips and memory of `mtpipe bootstrap`, against moto with a fixed latency per call (`npm run bench`,
// after the start-up benchmark; alone: `npm run build && node bench/apply.js [--latency MS] [--json]`).
//
// moto is started through the project's launcher (test/support/moto_server.py) with MOTO_LATENCY_MS, so
// that every AWS request waits that long (default 100 ms) and is counted by service and operation
// (test/support/moto_ext_latency.py, GET/POST /_mtpipe/calls): mtpipe itself is not instrumented.
// The configuration is `mtpipe init`'s (dev and prod, in moto's one account, so prod gets
// `allowSharedAccount: true` as in the tests), HF_TOKEN set. The real bin/mtpipe then runs
// `bootstrap --yes --json --endpoint-url …`: on each of two motos (no latency, the latency) a warm-up run
// (moto loads each service on its first request), a reset, a first run and a no-op run. For both runs
// it prints:
//   calls        reads and writes; a read is an operation named Get…, List…, Describe…, BatchGet…, Head…,
//                Lookup…, Search…, Query…, Select… or Simulate… (S3 GET/HEAD count as Get), the rest writes
//   reads/res.   reads per resource: resources are the plan's changes without the reference reads
//                (cloudformation:stack)
//   wall         the run's wall time (spawn to exit), also in units of one latency, and minus the wall
//                time of the same run without latency (noisy on a busy machine: two runs, two loads)
//   sequential   the wall time the latency added, on moto's clock: the time during which at least one
//                request was being delayed (the union of the delays), in latencies. It is the number of
//                round trips made one after another, untouched by the client's CPU time and load
//   critical     the critical path of the run's own plan (bench/critical-path.js explains the model), in
//                latencies, and sequential / critical path (the goal: at most 1.5)
//   moto CPU     the CPU time moto spent handling the run's requests; it handles one at a time (Python's
//                lock), so calls sent together come back this much apart in all
//   peak RSS     the run's maximum resident set size (/usr/bin/time -v, else the child's resourceUsage); the
//                runs execute bin/mtpipe itself, as `npx mtpipe` does, so its shebang's
//                --max-semi-space-size applies
// and the wall time of an offline `bootstrap --dry-run` (no credentials) against `node -e 0`.
// It prints figures and fails only when a run fails.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { classifyCalls, criticalPath } from './critical-path.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'bin', 'mtpipe');
const LAUNCHER = join(ROOT, 'test', 'support', 'moto_server.py');
const TIME = '/usr/bin/time';
// alternating runs; 5 left the median to one busy moment on a shared 2-core machine
const OFFLINE_RUNS = 11;

function parseArgs(argv) {
  const options = { latency: 100, json: false };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--json') options.json = true;
    else if (argv[i] === '--latency' && /^\d+$/.test(argv[i + 1] ?? '') && Number(argv[i + 1]) > 0) options.latency = Number(argv[(i += 1)]);
    else throw new Error(`bench/apply.js: unknown or bad argument ${argv[i]} (usage: [--latency MS (a whole number above 0)] [--json])`);
  }
  return options;
}

/**
 * Runs `node args…`, or the executable `bin/mtpipe` itself when args[0] is it (as `npx mtpipe` does: its
 * shebang's Node flags apply), with peak-memory measurement; resolves { code, stdout, stderr, wallMs, maxRssMiB }.
 */
function run(args, { env, cwd }) {
  const viaTime = existsSync(TIME);
  // without /usr/bin/time, the run itself reports its peak RSS when it exits
  const report = `data:text/javascript,process.on('exit',()=>process.stderr.write('maxRSS '+process.resourceUsage().maxRSS+'\\n'))`;
  const line = args[0] === BIN ? args : [process.execPath, ...args];
  const [command, commandArgs] = viaTime ? [TIME, ['-v', ...line]] : [line[0], line.slice(1)];
  if (!viaTime) env = { ...env, NODE_OPTIONS: `--import=${report}` };
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, commandArgs, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      const wallMs = performance.now() - started;
      const kib = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr) ?? /^maxRSS (\d+)$/m.exec(stderr);
      const maxRssMiB = kib ? Number(kib[1]) / 1024 : NaN;
      resolve({ code, stdout, stderr, wallMs, maxRssMiB });
    });
  });
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startMoto(latencyMs) {
  const port = await freePort();
  const child = spawn('python3', [LAUNCHER, '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, MOTO_LATENCY_MS: String(latencyMs) },
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto exited with ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(`${url}/moto-api/`)).ok) return { url, child };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  child.kill();
  throw new Error(`moto did not start within 30 s: ${stderr}`);
}

/** The latency layer's counts: { calls: { "service.Operation": n }, total, delayedMs, cpuMs }. */
async function calls(url, method = 'GET') {
  const response = await fetch(`${url}/_mtpipe/calls`, { method });
  if (!response.ok) throw new Error(`${url}/_mtpipe/calls: HTTP ${response.status}`);
  return response.json();
}

/** `mtpipe init`'s configuration, with prod sharing moto's one account (as the tests' configuration). */
async function writeConfig(cwd, env) {
  const init = await run([BIN, 'init'], { env, cwd });
  if (init.code !== 0) throw new Error(`mtpipe init failed: ${init.stderr}`);
  const file = join(cwd, 'mtpipe.yaml');
  const text = readFileSync(file, 'utf8');
  const shared = text.replace(/^ {2}prod:\n/m, '  prod:\n    allowSharedAccount: true\n');
  if (shared === text) throw new Error('mtpipe.yaml from `mtpipe init` has no `  prod:` entry to give allowSharedAccount');
  writeFileSync(file, shared);
}

/** One `bootstrap --yes` against moto: its plan, calls, wall time and memory. */
async function bootstrap(url, env, cwd) {
  await calls(url, 'POST');
  const result = await run([BIN, 'bootstrap', '--yes', '--json', '--endpoint-url', url], { env, cwd });
  const counted = await calls(url, 'POST');
  let document;
  try {
    document = JSON.parse(result.stdout);
  } catch {
    document = undefined;
  }
  if (result.code !== 0 || !document || document.error) {
    throw new Error(`mtpipe bootstrap failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
  const changes = document.changes;
  const resources = changes.filter((change) => change.kind !== 'cloudformation:stack').length;
  return {
    ...classifyCalls(counted.calls),
    byOperation: counted.calls,
    delayedMs: counted.delayedMs,
    serverCpuMs: counted.cpuMs,
    resources,
    changes,
    wallMs: result.wallMs,
    maxRssMiB: result.maxRssMiB,
  };
}

async function pair(url, env, latencyMs) {
  const cwd = mkdtempSync(join(tmpdir(), 'mtpipe-bench-apply-'));
  try {
    await writeConfig(cwd, env);
    // a warm-up run, so that moto has loaded every service it needs before a run is measured
    await bootstrap(url, env, cwd);
    await fetch(`${url}/moto-api/reset`, { method: 'POST' });
    const first = await bootstrap(url, env, cwd);
    const noop = await bootstrap(url, env, cwd);
    return { latencyMs, first, noop };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = (sorted.length - 1) / 2;
  return (sorted[Math.floor(middle)] + sorted[Math.ceil(middle)]) / 2;
}

async function offline(env) {
  const cwd = mkdtempSync(join(tmpdir(), 'mtpipe-bench-offline-'));
  try {
    await writeConfig(cwd, env);
    const bare = [];
    const plans = [];
    let maxRssMiB = 0;
    await run(['-e', '0'], { env, cwd });
    await run([BIN, 'bootstrap', '--dry-run'], { env, cwd });
    for (let i = 0; i < OFFLINE_RUNS; i += 1) {
      bare.push((await run(['-e', '0'], { env, cwd })).wallMs);
      const plan = await run([BIN, 'bootstrap', '--dry-run'], { env, cwd });
      if (plan.code !== 0) throw new Error(`offline bootstrap --dry-run failed (exit ${plan.code}): ${plan.stderr}`);
      plans.push(plan.wallMs);
      maxRssMiB = Math.max(maxRssMiB, plan.maxRssMiB);
    }
    return { nodeMs: median(bare), dryRunMs: median(plans), ratio: median(plans) / median(bare), maxRssMiB, runs: OFFLINE_RUNS };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

function figures(run, base, latencyMs) {
  const path = criticalPath(run.changes);
  const added = (run.wallMs - base.wallMs) / latencyMs;
  const sequential = run.delayedMs / latencyMs;
  return {
    calls: run.total,
    reads: run.reads,
    writes: run.writes,
    resources: run.resources,
    readsPerResource: run.reads / run.resources,
    wallMs: Math.round(run.wallMs),
    wallLatencies: run.wallMs / latencyMs,
    wallWithoutLatencyMs: Math.round(base.wallMs),
    addedLatencies: added,
    sequentialLatencies: sequential,
    criticalPath: path,
    ratio: sequential / path.total,
    maxRssMiB: run.maxRssMiB,
    serverCpuMs: run.serverCpuMs,
    byOperation: run.byOperation,
  };
}

function printTable(result) {
  const f = (value, digits = 1) => value.toFixed(digits);
  const rows = [
    ['', 'first run', 'no-op run'],
    ['calls (reads + writes)', ...result.runs.map((r) => `${r.calls} (${r.reads} + ${r.writes})`)],
    ['resources in the plan', ...result.runs.map((r) => String(r.resources))],
    ['reads per resource', ...result.runs.map((r) => f(r.readsPerResource, 2))],
    ['wall, ms', ...result.runs.map((r) => `${r.wallMs} (${r.wallWithoutLatencyMs} at 0 ms)`)],
    ['wall, latencies', ...result.runs.map((r) => f(r.wallLatencies))],
    ['wall - wall at 0 ms, latencies', ...result.runs.map((r) => f(r.addedLatencies))],
    ['sequential latencies (server)', ...result.runs.map((r) => f(r.sequentialLatencies))],
    ['critical path, latencies', ...result.runs.map((r) => `${r.criticalPath.total} (sts ${r.criticalPath.sts} + reads ${r.criticalPath.reads} + writes ${r.criticalPath.writes})`)],
    ['sequential / critical path', ...result.runs.map((r) => `${f(r.ratio, 2)}x`)],
    ['moto CPU, ms (one request at a time)', ...result.runs.map((r) => f(r.serverCpuMs, 0))],
    ['peak RSS, MiB', ...result.runs.map((r) => f(r.maxRssMiB))],
  ];
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column].length)));
  console.log(`\nmtpipe bootstrap against moto, ${result.latencyMs} ms per call (default configuration: dev + prod; load average ${result.loadAverage})`);
  for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column])).join('   '));
  const chain = result.runs[0].criticalPath.chain;
  if (chain.length > 0) console.log(`longest chain of writes (first run): ${chain.join(' → ')}`);
  const o = result.offline;
  console.log(`offline bootstrap --dry-run: ${f(o.dryRunMs)} ms vs node -e 0 ${f(o.nodeMs)} ms: ${f(o.ratio, 2)}x (medians of ${o.runs}; peak RSS ${f(o.maxRssMiB)} MiB)`);
  // issue 12's goals, each with its verdict
  const [first, noop] = result.runs;
  const goals = [
    ['no-op run: reads per resource', noop.readsPerResource, 1],
    ['no-op run: sequential / critical path', noop.ratio, 1.5],
    ['first run: sequential / critical path', first.ratio, 1.5],
    ['peak RSS of bootstrap --yes, MiB', Math.max(first.maxRssMiB, noop.maxRssMiB), 100],
    ['offline bootstrap --dry-run / node -e 0', o.ratio, 3],
  ];
  console.log('goals:');
  for (const [name, value, goal] of goals) console.log(`  ${name.padEnd(42)} ${f(value, 2).padStart(7)}   goal <= ${goal}: ${value <= goal ? 'meets' : 'MISSES'} it`);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first (`npm run bench` builds)');
  const home = mkdtempSync(join(tmpdir(), 'mtpipe-bench-home-'));
  const base = { PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: home, NO_COLOR: '1', CI: 'true', AWS_EC2_METADATA_DISABLED: 'true' };
  const env = { ...base, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1', HF_TOKEN: 'hf_benchmarkTokenNotASecret0000' };
  const motos = [];
  try {
    const plain = await startMoto(0);
    motos.push(plain.child);
    const delayed = await startMoto(options.latency);
    motos.push(delayed.child);
    const without = await pair(plain.url, env, 0);
    const withLatency = await pair(delayed.url, env, options.latency);
    const result = {
      latencyMs: options.latency,
      loadAverage: loadavg()[0].toFixed(1),
      runs: [figures(withLatency.first, without.first, options.latency), figures(withLatency.noop, without.noop, options.latency)],
      offline: await offline(base),
    };
    if (options.json) console.log(JSON.stringify(result, null, 2));
    else printTable(result);
  } finally {
    for (const child of motos) child.kill('SIGTERM');
    rmSync(home, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

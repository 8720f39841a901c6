import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const LAUNCHER = fileURLToPath(new URL('./moto_server.py', import.meta.url));
const INSTALL_HINT =
  'The integration tests need python3 with moto 5.2 (server extras): pip install "moto[server]>=5.2,<5.3"';

export interface Moto {
  url: string;
  stop(): Promise<void>;
}

/** Faults the launcher injects (moto_ext_faults.py): for resilience tests, on a moto of their own. */
export interface MotoFaults {
  seed?: number;
  /** share (0-1) of successful writes that are applied and then answered HTTP 500 */
  lostWrites?: number;
  /** "service.Operation" whose first successful response is always lost, e.g. "logs.CreateLogGroup" */
  lost?: string[];
  /** "Code:service.Operation:N": each distinct such request is refused with Code its first N times */
  errors?: string[];
}

/**
 * Starts moto (through the launcher that fixes timestamps and adds missing CodeCommit calls) on a free port.
 * `latencyMs`: every AWS request is delayed by that many ms and counted (moto_ext_latency.py).
 */
export async function startMoto(options: { faults?: MotoFaults; latencyMs?: number } = {}): Promise<Moto> {
  const check = spawnSync('python3', ['-c', 'import moto, flask, werkzeug; print(moto.__version__)'], { encoding: 'utf8' });
  if (check.error || check.status !== 0) {
    throw new Error(`${INSTALL_HINT}\n(python3 said: ${check.error?.message ?? check.stderr.trim()})`);
  }
  const port = await freePort();
  const { faults = {} } = options;
  const env = {
    ...process.env,
    MTPIPE_FAULT_SEED: String(faults.seed ?? 0),
    MTPIPE_FAULT_LOST_WRITES: String(faults.lostWrites ?? 0),
    MTPIPE_FAULT_LOST: (faults.lost ?? []).join(','),
    MTPIPE_FAULT_ERRORS: (faults.errors ?? []).join(','),
    // moto_ext_latency.py: a fixed delay per request, and the request counts at /_mtpipe/calls
    ...(options.latencyMs === undefined ? {} : { MOTO_LATENCY_MS: String(options.latencyMs) }),
  };
  const child = spawn('python3', [LAUNCHER, '-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'], env });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(url, child, () => stderr);
  return { url, stop: () => stop(child) };
}

export async function resetMoto(url: string): Promise<void> {
  const response = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitUntilUp(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto exited with ${child.exitCode}: ${stderr()}\n${INSTALL_HINT}`);
    try {
      const response = await fetch(`${url}/moto-api/`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  child.kill();
  throw new Error(`moto did not start within 30 s: ${stderr()}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(5000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

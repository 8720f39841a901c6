import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { assertBuilt, cleanEnv, debugCalls, debugWrites, explain, removeDirs, runCli, tempDir, type CliRun } from '../support/cli.js';
import { resetMoto } from '../support/moto.js';
import { startRecorder, type Recorder } from '../support/recorder.js';

// Issue 7 items 5-13: what the user typed is checked before any AWS call; the user's own mistakes exit 2.

const moto = inject('motoUrl');
const TOKEN = `hf_${'AbCdEfGhIjKlMnOpQrStUvWxYz01234567'}`;
const dirs: string[] = [];

interface Run {
  cwd?: string;
  extra?: Record<string, string>;
  credentials?: boolean;
  /** files written under HOME before the run (e.g. .aws/config) */
  home?: Record<string, string>;
}

async function dir(prefix?: string): Promise<string> {
  const made = await tempDir(prefix);
  dirs.push(made);
  return made;
}

async function mtpipe(args: string[], options: Run = {}): Promise<CliRun> {
  const home = await dir('mtpipe-home-');
  for (const [path, text] of Object.entries(options.home ?? {})) {
    await mkdir(join(home, path, '..'), { recursive: true });
    await writeFile(join(home, path), text);
  }
  const env = cleanEnv({ home, ...(options.extra ? { extra: options.extra } : {}), ...(options.credentials === false ? { credentials: false } : {}) });
  return runCli(args, { cwd: options.cwd ?? (await dir()), env });
}

async function withConfig(lines: string[]): Promise<string> {
  const cwd = await dir();
  await writeFile(join(cwd, 'mtpipe.yaml'), [...lines, ''].join('\n'));
  return cwd;
}

describe('refused before any AWS call (exit 2, the flag or key named)', () => {
  let counter: Recorder;
  beforeAll(async () => {
    assertBuilt();
    counter = await startRecorder();
  });
  afterAll(() => counter.close());
  afterEach(async () => {
    expect(counter.requests).toEqual([]);
    await removeDirs(dirs);
  });

  function expectRefused(run: CliRun, says: RegExp | string): void {
    expect(run.code, explain(run)).toBe(2);
    if (typeof says === 'string') expect(run.stderr).toContain(says);
    else expect(run.stderr).toMatch(says);
    expect(debugCalls(run.stderr)).toEqual([]);
  }

  it('item 5: an unknown option is named without the value typed with it', async () => {
    const run = await mtpipe(['set-params', '--hf-token=hf_abc', '--endpoint-url', counter.url]);
    expectRefused(run, "unknown option '--hf-token'");
    expect(run.stdout + run.stderr).not.toContain('hf_abc');
  });

  it.each([
    { name: 'after an option', args: ['init-repo', '--yes', '--description', TOKEN], says: 'argument 4 (after --description) looks like a Hugging Face token' },
    { name: 'inline', args: ['init-repo', '--yes', `--description=${TOKEN}`], says: 'the value of --description looks like a Hugging Face token' },
    { name: 'in an unknown option', args: ['set-params', `--hf-token=${TOKEN}`], says: 'the value of --hf-token looks like a Hugging Face token' },
    { name: 'as an argument', args: ['release', TOKEN, '--env', 'dev'], says: 'argument 2 looks like a Hugging Face token' },
  ])('item 5: a token-like value $name is refused with a hint to HF_TOKEN and never echoed', async ({ args, says }) => {
    const run = await mtpipe([...args, '--debug', '--endpoint-url', counter.url]);
    expectRefused(run, says);
    expect(run.stderr).toContain('hint: set HF_TOKEN, or pipe it in');
    expect(run.stderr).toContain('--hf-token-stdin');
    expect(run.stdout + run.stderr).not.toContain(TOKEN.slice(3));
  });

  it('item 5: an AWS access key in the arguments is refused too', async () => {
    const run = await mtpipe(['init-repo', '--yes', '--description', 'AKIAIOSFODNN7EXAMPLE', '--endpoint-url', counter.url]);
    expectRefused(run, 'looks like an AWS access key');
    expect(run.stderr).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });

  it.each([
    { value: '   ', says: 'HF_TOKEN: is set but only whitespace' },
    { value: '', says: 'HF_TOKEN: is set but empty' },
  ])('item 7: HF_TOKEN="$value" is an input error naming HF_TOKEN', async ({ value, says }) => {
    const run = await mtpipe(['set-params', '--yes', '--debug', '--endpoint-url', counter.url], { extra: { HF_TOKEN: value } });
    expectRefused(run, says);
    expect(run.stderr).not.toContain('has no value yet');
  });

  it('item 8: --endpoint-url, AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> must be http(s) URLs', async () => {
    const flag = await mtpipe(['bootstrap', '--dry-run', '--debug', '--endpoint-url', 'notaurl']);
    expectRefused(flag, '--endpoint-url: "notaurl" is not a URL');
    expect(flag.stderr).not.toContain('TypeError');
    const env = await mtpipe(['bootstrap', '--dry-run', '--debug'], { extra: { AWS_ENDPOINT_URL: 'notaurl' } });
    expectRefused(env, 'AWS_ENDPOINT_URL: "notaurl" is not a URL');
    const service = await mtpipe(['bootstrap', '--dry-run', '--debug'], { extra: { AWS_ENDPOINT_URL: counter.url, AWS_ENDPOINT_URL_SSM: 'ftp://host' } });
    expectRefused(service, 'AWS_ENDPOINT_URL_SSM: "ftp://host" must start with http:// or https://');
  });

  it('item 9: a profile in neither AWS file is an input error listing the profiles there, even for a dry run', async () => {
    const home = { '.aws/config': '[default]\nregion = eu-west-1\n[profile dev]\nregion = eu-west-1\n[sso-session corp]\nsso_region = eu-west-1\n', '.aws/credentials': '[ci]\naws_access_key_id = x\naws_secret_access_key = y\n' };
    const flag = await mtpipe(['bootstrap', '--dry-run', '--debug', '--profile', 'nope', '--endpoint-url', counter.url], { home });
    expectRefused(flag, '--profile: no profile "nope" in ~/.aws/config or ~/.aws/credentials (profiles there: ci, default, dev)');
    expect(flag.stdout).not.toContain('Offline plan');
    const env = await mtpipe(['bootstrap', '--yes', '--debug', '--endpoint-url', counter.url], { home, extra: { AWS_PROFILE: 'nope' }, credentials: false });
    expectRefused(env, 'AWS_PROFILE: no profile "nope"');
    expect(env.stderr).not.toContain('no AWS credentials found');
  });

  it('item 10: an unknown region is named with the nearest known ones, from the flag, the file or AWS_REGION', async () => {
    const flag = await mtpipe(['bootstrap', '--dry-run', '--debug', '--region', 'xx-foo-1', '--endpoint-url', counter.url]);
    expectRefused(flag, /region \(--region\): unknown region "xx-foo-1" \(nearest known: [a-z0-9-]+, /);
    expect(flag.stdout).toBe('');
    const cwd = await withConfig(['environments:', '  dev:', '    region: eu-wset-1']);
    const file = await mtpipe(['bootstrap', '--dry-run', '--debug', '--endpoint-url', counter.url], { cwd });
    expectRefused(file, 'environments.dev.region: unknown region "eu-wset-1" (nearest known: eu-west-1, ');
    const env = await mtpipe(['bootstrap', '--dry-run', '--debug', '--endpoint-url', counter.url], { extra: { AWS_REGION: 'us-esat-1' } });
    expectRefused(env, 'AWS_REGION: unknown region "us-esat-1" (nearest known: us-east-1, ');
  });

  it('item 11: AWS_MAX_ATTEMPTS and AWS_RETRY_MODE are checked, not ignored', async () => {
    const run = await mtpipe(['bootstrap', '--dry-run', '--debug', '--endpoint-url', counter.url], { extra: { AWS_MAX_ATTEMPTS: 'five', AWS_RETRY_MODE: 'fast' } });
    expectRefused(run, 'AWS_MAX_ATTEMPTS: must be a whole number');
    expect(run.stderr).toContain('AWS_RETRY_MODE: must be standard or adaptive, not "fast"');
  });

  it('item 12: --config naming a directory says so (no EISDIR)', async () => {
    const run = await mtpipe(['bootstrap', '--dry-run', '--config', '.', '--endpoint-url', counter.url]);
    expectRefused(run, '--config: . is a directory: give the path of a YAML file');
    expect(run.stderr).not.toContain('EISDIR');
  });

  it.each(['shared', 'Dev'])('item 12: an environment named %s names the key and the rule', async (name) => {
    const cwd = await withConfig(['environments:', `  ${name}: {}`]);
    const run = await mtpipe(['bootstrap', '--dry-run', '--endpoint-url', counter.url], { cwd });
    expectRefused(run, `environments.${name}: the name "${name}" must be 1-20 characters: lower-case letters, digits and hyphens, starting with a letter; "shared" is reserved`);
    expect(run.stderr).not.toContain('Invalid key in record');
  });

  it('item 12: an unquoted account that lost its leading zero must be quoted', async () => {
    const cwd = await withConfig(['environments:', '  dev:', '    account: 012345678901']);
    const run = await mtpipe(['bootstrap', '--dry-run', '--endpoint-url', counter.url], { cwd });
    expectRefused(run, 'environments.dev.account: is the number 12345678901: write the account id in quotes (e.g. "012345678901")');
    expect(run.stderr).not.toContain('expected string, received number');
  });
});

describe('input that simply works, and failures that are the user\'s to fix (exit 2)', () => {
  beforeAll(() => assertBuilt());
  beforeEach(() => resetMoto(moto));
  afterEach(() => removeDirs(dirs));

  it('item 12: an unquoted 12-digit account is taken as the account', async () => {
    const cwd = await withConfig(['environments:', '  dev:', '    account: 123456789012']);
    const run = await mtpipe(['set-params', '--dry-run', '--endpoint-url', moto], { cwd, extra: { HF_TOKEN: 'hf_x' } });
    expect(run.code, explain(run)).toBe(0);
    expect(run.stdout).toContain('/mt-pipeline/dev/input_bucket_name');
  });

  it('item 12: init --config into a directory that does not exist yet creates it', async () => {
    const cwd = await dir();
    const run = await mtpipe(['init', '--config', 'sub/dir/x.yaml'], { cwd });
    expect(run.code, explain(run)).toBe(0);
    expect(run.stdout).toContain('wrote sub/dir/x.yaml');
    expect(await readFile(join(cwd, 'sub/dir/x.yaml'), 'utf8')).toMatch(/^project: mt-pipeline$/m);
    const again = await mtpipe(['init', '--config', 'sub'], { cwd });
    expect(again.code, explain(again)).toBe(2);
    expect(again.stderr).toContain('--config: sub is a directory');
  });

  it('item 9: a profile of AWS_CONFIG_FILE is used, and a profile next to AWS_ACCESS_KEY_ID gets one line, not the SDK warning', async () => {
    const home = await dir('mtpipe-aws-');
    const config = join(home, 'my-config');
    const credentials = join(home, 'my-credentials');
    await writeFile(config, '[profile custom]\nregion = us-east-1\n');
    await writeFile(credentials, '[custom]\naws_access_key_id = testing\naws_secret_access_key = testing\n');
    const run = await mtpipe(['set-params', '--dry-run', '--profile', 'custom', '--endpoint-url', moto], {
      extra: { HF_TOKEN: 'hf_x', AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials },
    });
    expect(run.code, explain(run)).toBe(0);
    expect(run.stderr).toContain('credentials: profile "custom" (--profile); AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set too and not used');
    expect(run.stderr).not.toContain('Multiple credential sources');
    expect(run.stderr.split('\n').filter((line) => line.includes('credentials'))).toHaveLength(1);
  });

  it('item 13: credentials of another account than environments.<name>.account: exit 2, nothing written', async () => {
    const cwd = await withConfig(['environments:', '  dev:', '    account: "111111111111"']);
    const run = await mtpipe(['set-params', '--yes', '--debug', '--endpoint-url', moto], { cwd, extra: { HF_TOKEN: 'hf_x' } });
    expect(run.code, explain(run)).toBe(2);
    expect(run.stderr).toContain('environments.dev.account is 111111111111');
    expect(debugWrites(run.stderr)).toEqual([]);
  });

  it('item 13: no credentials at all (not a dry run): exit 2', async () => {
    const run = await mtpipe(['bootstrap', '--yes', '--endpoint-url', moto], { credentials: false });
    expect(run.code, explain(run)).toBe(2);
    expect(run.stderr).toContain('no AWS credentials found');
  });

  it('item 13: an endpoint where nothing listens: exit 2 naming it, nothing written', async () => {
    const closed = await closedPort();
    const run = await mtpipe(['set-params', '--dry-run', '--endpoint-url', closed], { extra: { HF_TOKEN: 'hf_x', AWS_MAX_ATTEMPTS: '1' } });
    expect(run.code, explain(run)).toBe(2);
    expect(run.stderr).toContain(`cannot reach the endpoint ${closed} (--endpoint-url)`);
    expect(run.stderr).toContain('ECONNREFUSED');
  });

  it('issue 6 item 5: with --region cn-north-1 the printed clone URLs and ARNs are China\'s (offline plan)', async () => {
    const run = await mtpipe(['init-repo', '--dry-run', '--region', 'cn-north-1'], { credentials: false });
    expect(run.code, explain(run)).toBe(0);
    expect(run.stdout).toContain('git clone https://git-codecommit.cn-north-1.amazonaws.com.cn/v1/repos/machine-translation');
    expect(run.stdout).toContain('git clone ssh://git-codecommit.cn-north-1.amazonaws.com.cn/v1/repos/machine-translation');
    expect(run.stdout).toContain('arn:aws-cn:iam::<account-id>:policy/');
    expect(run.stdout).not.toMatch(/amazonaws\.com\/|arn:aws:/);
  });

  it('control: the checks let a valid run through to AWS (so the zero counts above mean something)', async () => {
    const counter = await startRecorder(moto);
    try {
      const run = await mtpipe(['set-params', '--dry-run', '--region', 'eu-west-1', '--endpoint-url', counter.url], { extra: { HF_TOKEN: 'hf_x' } });
      expect(run.code, explain(run)).toBe(0);
      expect(counter.requests.map((r) => r.operation)).toContain('GetCallerIdentity');
    } finally {
      await counter.close();
    }
  });
});

/** A local URL where nothing listens: a port taken from the OS, then closed again. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/**
 * The image commands of the rendered deploy buildspec, run in bash with a stand-in `aws` and `sleep`:
 * an environment in another region than the build deploys the copy of the commit's image in its own
 * region, and waits (bounded) until ECR has replicated it there; one in the build's region does not wait.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { defaultConfig } from '../../../src/config/defaults.js';
import { configSchema } from '../../../src/config/schema.js';
import { renderBuildspecs } from '../../../src/templates/buildspecs.js';

const COMMIT = '0f3c9a1b2c3d4e5f60718293a4b5c6d7e8f90123';
const BUILD_ARN = 'arn:aws:codebuild:us-east-1:123456789012:build/mt-pipeline-deploy-prod:0b1c';
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mtpipe-deploy-image-'));
  await mkdir(join(dir, 'bin'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

async function executable(path: string, text: string): Promise<void> {
  await writeFile(path, text);
  chmodSync(path, 0o755);
}

/**
 * Runs the deploy build's image commands (before the role and `cdk deploy`) for `env`, with
 * `aws ecr describe-images` answering `answers` in turn (the last one repeats): 'missing' is
 * ImageNotFoundException, 'denied' AccessDeniedException, 'found' the image.
 */
async function deploy(env: 'dev' | 'prod', answers: ('missing' | 'denied' | 'found')[], variables: Record<string, string> = {}) {
  const script = answers.map((answer, index) => {
    const reply =
      answer === 'found'
        ? 'printf "sha256:abc\\n"; exit 0'
        : answer === 'missing'
          ? 'printf "An error occurred (ImageNotFoundException) when calling the DescribeImages operation: not found\\n" >&2; exit 254'
          : 'printf "An error occurred (AccessDeniedException) when calling the DescribeImages operation: no\\n" >&2; exit 254';
    return index === answers.length - 1 ? reply : `[ "$n" -eq ${index + 1} ] && { ${reply}; }`;
  });
  await executable(
    join(dir, 'bin', 'aws'),
    `#!/bin/sh\nprintf '%s\\n' "$*" >> "${dir}/aws-calls"\nn=$(wc -l < "${dir}/aws-calls")\n${script.join('\n')}\n`,
  );
  await executable(join(dir, 'bin', 'sleep'), '#!/bin/sh\nexit 0\n');
  await writeFile(join(dir, 'qe-image-tag.txt'), COMMIT);
  const config = configSchema.parse({ ...defaultConfig('us-east-1'), environments: { dev: {}, prod: { region: 'eu-west-1', allowSharedAccount: true } } });
  const { phases } = parse(renderBuildspecs(config, env)['buildspec-deploy.yml']) as { phases: { build: { commands: string[] } } };
  const [image, wait] = phases.build.commands;
  return spawnSync('bash', ['-c', `${image}\n${wait}\nprintf '%s' "$QE_IMAGE_URI" > uri`], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: `${join(dir, 'bin')}:${process.env.PATH}`, CODEBUILD_BUILD_ARN: BUILD_ARN, ...variables },
  });
}

const calls = async () => (await readFile(join(dir, 'aws-calls'), 'utf8').catch(() => '')).split('\n').filter(Boolean);
const DESCRIBE = `ecr describe-images --region eu-west-1 --repository-name mt-pipeline-qe --image-ids imageTag=${COMMIT} --query imageDetails[0].imageDigest --output text`;

describe('cdk-deploy: the quality-estimation image of an environment in another region', () => {
  it('is the copy in the environment\'s region, deployed once ECR has replicated it', async () => {
    const run = await deploy('prod', ['missing', 'missing', 'found']);
    expect(run.status).toBe(0);
    expect(await readFile(join(dir, 'uri'), 'utf8')).toBe(`123456789012.dkr.ecr.eu-west-1.amazonaws.com/mt-pipeline-qe:${COMMIT}`);
    expect(await calls()).toStrictEqual([DESCRIBE, DESCRIBE, DESCRIBE]);
    expect(run.stdout).toContain(`image 123456789012.dkr.ecr.eu-west-1.amazonaws.com/mt-pipeline-qe:${COMMIT} is in eu-west-1`);
  });

  it('fails with the reason when the image has not arrived by the deadline', async () => {
    const run = await deploy('prod', ['missing'], { QE_REPLICATION_TIMEOUT_SECONDS: '0' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`123456789012.dkr.ecr.eu-west-1.amazonaws.com/mt-pipeline-qe:${COMMIT} has not been replicated to eu-west-1 within 0 seconds`);
    expect(run.stderr).toContain('images pushed before the rule existed are never replicated (push a new commit)');
    await expect(readFile(join(dir, 'uri'), 'utf8')).rejects.toThrow();
  });

  it('fails at once on any other error than "not there yet" (no 30 minutes of waiting for a missing right)', async () => {
    const run = await deploy('prod', ['denied'], { QE_REPLICATION_TIMEOUT_SECONDS: '600' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('AccessDeniedException');
    expect(await calls()).toHaveLength(1);
  });

  it('in the build\'s own region: the image build-and-test pushed, no wait', async () => {
    const run = await deploy('dev', ['denied']);
    expect(run.status).toBe(0);
    expect(await readFile(join(dir, 'uri'), 'utf8')).toBe(`123456789012.dkr.ecr.us-east-1.amazonaws.com/mt-pipeline-qe:${COMMIT}`);
    expect(await calls()).toStrictEqual([]);
  });
});

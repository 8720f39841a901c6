/**
 * The image commands of the rendered build-and-test buildspec, run in bash with a stand-in `aws` and
 * build_and_push.sh: the image is tagged with the commit, built once per commit, and a failing step of
 * the sample's script (which does not stop on errors by itself) fails the build.
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
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mtpipe-image-'));
  await mkdir(join(dir, 'source', 'sagemaker'), { recursive: true });
  await mkdir(join(dir, 'bin'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

async function executable(path: string, text: string): Promise<void> {
  await writeFile(path, text);
  chmodSync(path, 0o755);
}

/** Runs the build phase's commands as CodeBuild would (one shell), with `aws describe-images` answering `imageExists`. */
async function build(options: { imageExists: boolean; script: string; commit?: string }) {
  await executable(join(dir, 'bin', 'aws'), `#!/bin/sh\nprintf '%s\\n' "$*" >> "${dir}/aws-calls"\nexit ${options.imageExists ? 0 : 1}\n`);
  await executable(join(dir, 'source', 'sagemaker', 'build_and_push.sh'), options.script);
  const config = configSchema.parse(defaultConfig('us-east-1'));
  const { phases, env } = parse(renderBuildspecs(config, 'dev')['buildspec.yml']) as { phases: { build: { commands: string[] } }; env: { variables: Record<string, string> } };
  return spawnSync('bash', ['-c', phases.build.commands.join('\n')], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: `${join(dir, 'bin')}:${process.env.PATH}`, ...env.variables, ...(options.commit === undefined ? {} : { CODEBUILD_RESOLVED_SOURCE_VERSION: options.commit }) },
  });
}

// the sample's build_and_push.sh checks some steps and not others; a failing unchecked step is stood in by `false`
const SAMPLE_LIKE = (marker: string) => `#!/bin/bash\nprintf '%s' "$IMAGE_TAG" > ${marker}.tag\nfalse\nprintf done > ${marker}.pushed\n`;

describe('build-and-test: the quality-estimation image', () => {
  it('tags the image with the source commit and fails when a step of build_and_push.sh fails', async () => {
    const run = await build({ imageExists: false, script: SAMPLE_LIKE('../../image'), commit: COMMIT });
    expect(run.status).not.toBe(0);
    expect(await readFile(join(dir, 'image.tag'), 'utf8')).toBe(COMMIT);
    await expect(readFile(join(dir, 'image.pushed'), 'utf8')).rejects.toThrow();
    expect(await readFile(join(dir, 'qe-image-tag.txt'), 'utf8')).toBe(COMMIT);
    expect(await readFile(join(dir, 'aws-calls'), 'utf8')).toBe(`ecr describe-images --repository-name mt-pipeline-qe --image-ids imageTag=${COMMIT}\n`);
  });

  it('passes when the script succeeds, and builds a commit whose image exists only once', async () => {
    const ok = '#!/bin/bash\nprintf built > ../../built\n';
    expect((await build({ imageExists: false, script: ok, commit: COMMIT })).status).toBe(0);
    expect(await readFile(join(dir, 'built'), 'utf8')).toBe('built');
    await rm(join(dir, 'built'));

    const again = await build({ imageExists: true, script: ok, commit: COMMIT });
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`image mt-pipeline-qe:${COMMIT} exists already`);
    await expect(readFile(join(dir, 'built'), 'utf8')).rejects.toThrow();
  });

  it('refuses to build without a source commit (never only "latest")', async () => {
    const run = await build({ imageExists: false, script: '#!/bin/bash\n', commit: undefined });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('no source commit (SOURCE_COMMIT_ID, CODEBUILD_RESOLVED_SOURCE_VERSION): cannot tag the image');
  });
});

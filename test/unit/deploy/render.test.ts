import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { render, type RenderSession } from '../../../src/commands/render.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { configSchema } from '../../../src/config/schema.js';
import { UserInputError } from '../../../src/errors.js';
import { renderBuildspecs, smokeTestScript } from '../../../src/templates/buildspecs.js';
import { cloudformationMock, resetDeployMocks, stsMock } from './mock-sdk.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mtpipe-render-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const config = configSchema.parse({ ...defaultConfig('us-east-1'), solution: { lambdaFunctions: { PromptGeneratorCDK: 'mt-prompt' } } });

function session(options: { env?: string; dryRun?: boolean } = {}): { value: RenderSession; warnings: string[] } {
  const warnings: string[] = [];
  return {
    value: {
      options: { dryRun: options.dryRun ?? false, ...(options.env ? { env: options.env } : {}) },
      draft: { config },
      aws: { maxAttempts: 1, retryMode: 'standard', observers: [] },
      reporter: { warn: (line) => void warnings.push(line) },
    },
    warnings,
  };
}

const functions = vi.fn(async () => [{ name: 'mt-prompt', logicalId: 'PromptGeneratorCDK' }]);
beforeEach(() => {
  functions.mockClear();
  resetDeployMocks();
});

describe('mtpipe render', () => {
  it('with one environment writes buildspec.yml, buildspec-deploy.yml, buildspec-test.yml, the smoke test and appspec.yml', async () => {
    const result = await render(session({ env: 'prod' }).value, { outDir: dir, force: false }, { functions });

    expect(result.files.map((file) => file.name)).toStrictEqual(['buildspec.yml', 'buildspec-deploy.yml', 'buildspec-test.yml', 'scripts/mtpipe-smoke-test.py', 'appspec.yml']);
    expect((await readdir(dir)).sort()).toStrictEqual(['appspec.yml', 'buildspec-deploy.yml', 'buildspec-test.yml', 'buildspec.yml', 'scripts']);
    // the test buildspec runs it; it is executable
    expect(await readFile(join(dir, 'scripts/mtpipe-smoke-test.py'), 'utf8')).toBe(smokeTestScript());
    expect((await stat(join(dir, 'scripts/mtpipe-smoke-test.py'))).mode & 0o777).toBe(0o755);
    expect(await readFile(join(dir, 'buildspec-test.yml'), 'utf8')).toContain('python scripts/mtpipe-smoke-test.py');
    const expected = renderBuildspecs(config, 'prod');
    for (const name of ['buildspec.yml', 'buildspec-deploy.yml', 'buildspec-test.yml'] as const) {
      expect(await readFile(join(dir, name), 'utf8'), name).toBe(expected[name]);
    }
    const deploy = await readFile(join(dir, 'buildspec-deploy.yml'), 'utf8');
    expect(parse(deploy).env['parameter-store']).toMatchObject({ SETTING_INPUT_BUCKET_NAME: '/mt-pipeline/prod/input_bucket_name' });
    const appspec = await readFile(join(dir, 'appspec.yml'), 'utf8');
    expect(parse(appspec)).toBeNull();
    expect(appspec).toContain('# `mtpipe release PromptGeneratorCDK --env prod`, with live at version 1 and version 2 just published, sends:');
    expect(functions).toHaveBeenCalledWith(config, 'prod');
  });

  it('with several environments writes one deploy and one test buildspec per environment', async () => {
    await render(session().value, { outDir: dir, force: false }, { functions });

    expect((await readdir(dir)).sort()).toStrictEqual([
      'appspec.yml',
      'buildspec-deploy-dev.yml',
      'buildspec-deploy-prod.yml',
      'buildspec-test-dev.yml',
      'buildspec-test-prod.yml',
      'buildspec.yml',
      'scripts',
    ]);
    expect(await readFile(join(dir, 'buildspec-deploy-dev.yml'), 'utf8')).toBe(renderBuildspecs(config, 'dev')['buildspec-deploy.yml']);
    expect(await readFile(join(dir, 'buildspec-test-prod.yml'), 'utf8')).toBe(renderBuildspecs(config, 'prod')['buildspec-test.yml']);
  });

  it('never overwrites without --force: names every existing file, writes nothing, asks AWS nothing', async () => {
    await writeFile(join(dir, 'buildspec.yml'), 'mine\n');
    await writeFile(join(dir, 'appspec.yml'), 'mine too\n');

    const error = await render(session({ env: 'dev' }).value, { outDir: dir, force: false }, { functions }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserInputError);
    expect((error as UserInputError).exitCode).toBe(2);
    expect((error as UserInputError).problems).toStrictEqual([`${join(dir, 'buildspec.yml')} exists`, `${join(dir, 'appspec.yml')} exists`]);
    expect((error as UserInputError).hint).toContain('--force');
    expect((await readdir(dir)).sort()).toStrictEqual(['appspec.yml', 'buildspec.yml']);
    expect(await readFile(join(dir, 'buildspec.yml'), 'utf8')).toBe('mine\n');
    expect(functions).not.toHaveBeenCalled();
  });

  it('with --force overwrites them, atomically (no temporary file is left)', async () => {
    await writeFile(join(dir, 'buildspec.yml'), 'mine\n');

    const result = await render(session({ env: 'dev' }).value, { outDir: dir, force: true }, { functions });
    expect(result.files.find((file) => file.name === 'buildspec.yml')).toStrictEqual({ name: 'buildspec.yml', path: join(dir, 'buildspec.yml'), overwritten: true });
    expect(result.files.find((file) => file.name === 'appspec.yml')?.overwritten).toBe(false);
    expect(await readFile(join(dir, 'buildspec.yml'), 'utf8')).toBe(renderBuildspecs(config, 'dev')['buildspec.yml']);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toStrictEqual([]);
  });

  it('creates the output directory; --dry-run lists the files and writes none', async () => {
    const nested = join(dir, 'a', 'b');
    const dry = await render(session({ env: 'dev', dryRun: true }).value, { outDir: nested, force: false }, { functions });
    expect(dry).toMatchObject({ dryRun: true, outDir: nested });
    expect(dry.files).toHaveLength(5);
    expect(await readdir(dir)).toStrictEqual([]);

    await render(session({ env: 'dev' }).value, { outDir: nested, force: false }, { functions });
    expect(await readdir(nested)).toHaveLength(5);
  });

  it('refuses an --out that is a file', async () => {
    await writeFile(join(dir, 'file'), '');
    await expect(render(session().value, { outDir: join(dir, 'file'), force: false }, { functions })).rejects.toThrow(/is not a directory/);
  });

  it('with only solution.stacks configured, discovers the functions in the first environment', async () => {
    stsMock.on(GetCallerIdentityCommand).resolves({ Account: '123456789012' });
    cloudformationMock.on(ListStackResourcesCommand).resolves({
      StackResourceSummaries: [
        { LogicalResourceId: 'TranslationPromptGeneratorCDK', ResourceType: 'AWS::Lambda::Function', PhysicalResourceId: 'MtStack-Gen-1', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date(0) },
      ],
    });
    const { value, warnings } = session({ env: 'dev' });
    value.draft.config = configSchema.parse({ ...defaultConfig('us-east-1'), solution: { stacks: ['MtStack'] } });

    await render(value, { outDir: dir, force: false });
    expect(await readFile(join(dir, 'appspec.yml'), 'utf8')).toContain('# `mtpipe release TranslationPromptGeneratorCDK --env dev`');
    expect(cloudformationMock).toHaveReceivedCommandWith(ListStackResourcesCommand, { StackName: 'MtStack' });
    expect(warnings).toStrictEqual([]);

    // unreadable stacks: the buildspecs are still written, the appspec example names no function, with a warning
    cloudformationMock.on(ListStackResourcesCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    await render(value, { outDir: dir, force: true });
    expect(await readFile(join(dir, 'appspec.yml'), 'utf8')).toContain('No Lambda functions are known yet');
    expect(warnings).toStrictEqual(['appspec.yml names no function: reading solution.stacks in dev failed (AccessDenied: not authorized)']);
  });

  it('names configured functions without any AWS call (the default lookup)', async () => {
    const result = await render(session({ env: 'dev' }).value, { outDir: dir, force: false });
    expect(result.files).toHaveLength(5);
    expect(await readFile(join(dir, 'appspec.yml'), 'utf8')).toContain('Name: mt-prompt');
    expect(stsMock).not.toHaveReceivedAnyCommand();
    expect(cloudformationMock).not.toHaveReceivedAnyCommand();
  });
});

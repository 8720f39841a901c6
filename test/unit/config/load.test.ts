import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type LoadOptions } from '../../../src/config/load.js';
import { UserInputError } from '../../../src/errors.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mtpipe-load-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function withFile(text: string, options: Partial<LoadOptions> = {}) {
  const file = join(dir, 'mtpipe.yaml');
  await writeFile(file, text);
  return loadConfig({ file, fileRequired: false, fallbackRegion: async () => 'eu-west-1', ...options });
}

/** The UserInputError a load fails with (the test fails if it does not). */
async function problemsOf(load: Promise<unknown>): Promise<UserInputError> {
  const error = await load.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserInputError);
  expect((error as UserInputError).exitCode).toBe(2);
  return error as UserInputError;
}

describe('loadConfig', () => {
  it('reports every problem of the file at once, each naming its path', async () => {
    const error = await problemsOf(
      withFile(['repository:', '  name: my repo', 'colour: blue', 'parameters:', '  input_bucket_name: ""', ''].join('\n')),
    );
    expect(error.problems).toHaveLength(3);
    expect(error.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^repository\.name: must be 1-100 characters/),
        expect.stringMatching(/unknown key "colour"/),
        'parameters.input_bucket_name: must not be empty',
      ]),
    );
    expect(error.message).toContain('repository.name');
    expect(error.hint).toContain('mtpipe.yaml');
  });

  it('rejects an unknown placeholder', async () => {
    const error = await problemsOf(withFile('parameters:\n  output_bucket_name: "${foo}-out"\n'));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^parameters\.output_bucket_name: unknown placeholder \$\{foo\}/);
    expect(error.problems[0]).toContain('${project}');
  });

  it.each([
    ['parameters', 'parameters:\n  hugging_face_token: hf_SeCrEt123\n', 'parameters.hugging_face_token'],
    ['an environment', 'environments:\n  dev:\n    parameters:\n      hugging_face_token: hf_SeCrEt123\n', 'environments.dev.parameters.hugging_face_token'],
  ])('rejects hugging_face_token in %s, pointing to HF_TOKEN and never echoing it', async (_where, text, path) => {
    const error = await problemsOf(withFile(text));
    expect(error.problems).toEqual([expect.stringMatching(new RegExp(`^${path.replace(/\./g, '\\.')}: .*HF_TOKEN`))]);
    expect(error.message).not.toContain('hf_SeCrEt123');
    expect(error.hint ?? '').not.toContain('hf_SeCrEt123');
  });

  it('replaces the default environments with those of the file, but merges parameters', async () => {
    const { config } = await withFile(
      ['environments:', '  staging:', '    account: "123456789012"', 'parameters:', '  input_bucket_name: my-input', ''].join('\n'),
    );
    expect(Object.keys(config.environments)).toEqual(['staging']);
    expect(config.environments.staging).toMatchObject({ account: '123456789012', approval: false, parameters: {} });
    expect(config.parameters.input_bucket_name).toBe('my-input');
    expect(config.parameters.output_bucket_name).toBe('${project}-${env}-output-${account}');
    expect(Object.keys(config.parameters)).toHaveLength(7);
  });

  it('merges nested keys: a repository name leaves the other repository defaults', async () => {
    const { config } = await withFile('repository:\n  name: translation\n');
    expect(config.repository).toMatchObject({ name: 'translation', branch: 'main', approvals: 1 });
  });

  it('lets overrides (flags) win over the file', async () => {
    const { config } = await withFile('region: eu-central-1\nrepository:\n  name: from-file\n', {
      overrides: { 'repository.name': 'from-flag', 'repository.approvals': 2, region: undefined },
    });
    expect(config.repository.name).toBe('from-flag');
    expect(config.repository.approvals).toBe(2);
    // an undefined override (flag not given) leaves the file's value
    expect(config.region).toBe('eu-central-1');
  });

  it('names the flag of a bad override', async () => {
    const flags: Record<string, string> = { 'repository.name': '--repository-name', region: '--region' };
    const error = await problemsOf(
      withFile('', { overrides: { 'repository.name': 'bad name', region: 'nowhere' }, flagFor: (key) => flags[key] }),
    );
    expect(error.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^repository\.name \(--repository-name\): must be 1-100 characters/),
        expect.stringMatching(/^region \(--region\): "nowhere" is not an AWS region \(nearest known: /),
      ]),
    );
    expect(error.problems).toHaveLength(2);
  });

  it('rejects --config naming a missing file', async () => {
    const file = join(dir, 'nope.yaml');
    const error = await problemsOf(loadConfig({ file, fileRequired: true, fallbackRegion: async () => 'eu-west-1' }));
    expect(error.problems).toEqual([expect.stringContaining('--config')]);
    expect(error.message).toContain(file);
  });

  it('uses the built-in defaults when the default file is missing', async () => {
    const loaded = await loadConfig({ file: join(dir, 'mtpipe.yaml'), fileRequired: false, fallbackRegion: async () => 'ap-south-1' });
    expect(loaded.file).toBeUndefined();
    expect(loaded.config.project).toBe('mt-pipeline');
    expect(loaded.config.region).toBe('ap-south-1');
    expect(Object.keys(loaded.config.environments)).toEqual(['dev', 'prod']);
    expect(loaded.isExplicit('project')).toBe(false);
  });

  it('asks for the fallback region only when neither the file nor a flag sets one', async () => {
    let asked = 0;
    const fallbackRegion = async () => {
      asked++;
      return 'sa-east-1';
    };
    expect((await withFile('region: eu-north-1\n', { fallbackRegion })).config.region).toBe('eu-north-1');
    expect((await withFile('', { fallbackRegion, overrides: { region: 'us-west-2' } })).config.region).toBe('us-west-2');
    expect(asked).toBe(0);
    expect((await withFile('', { fallbackRegion })).config.region).toBe('sa-east-1');
    expect(asked).toBe(1);
  });

  it('treats an empty file as the defaults', async () => {
    const loaded = await withFile('# nothing yet\n');
    expect(loaded.file).toBe(join(dir, 'mtpipe.yaml'));
    expect(loaded.config.repository.name).toBe('machine-translation');
  });

  it('says which keys the file or the flags set', async () => {
    const loaded = await withFile('repository:\n  name: from-file\nenvironments:\n  dev: {}\n', {
      overrides: { 'repository.approvals': 3, 'repository.description': undefined },
    });
    expect(loaded.isExplicit('repository.name')).toBe(true);
    expect(loaded.isExplicit('repository.approvals')).toBe(true);
    expect(loaded.isExplicit('environments.dev')).toBe(true);
    expect(loaded.isExplicit('repository.branch')).toBe(false);
    expect(loaded.isExplicit('repository.description')).toBe(false);
    expect(loaded.isExplicit('project')).toBe(false);
  });

  it('reports YAML syntax errors with the file name', async () => {
    const error = await problemsOf(withFile('repository:\n  name: [unclosed\nproject: x\n'));
    expect(error.problems.length).toBeGreaterThan(0);
    expect(error.problems[0]).toMatch(new RegExp(`^${join(dir, 'mtpipe.yaml').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `));
  });

  it('rejects duplicate keys', async () => {
    const error = await problemsOf(withFile('project: one\nproject: two\n'));
    expect(error.problems.join('\n')).toMatch(/mtpipe\.yaml: .*(unique|duplicate)/i);
  });

  it('rejects a file that is not a mapping', async () => {
    const error = await problemsOf(withFile('- a\n- b\n'));
    expect(error.problems).toEqual([expect.stringContaining('must be a YAML mapping')]);
  });
});

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigDraft } from '../../../src/config/draft.js';
import { loadConfig } from '../../../src/config/load.js';
import { configWrites, saveConfigValues } from '../../../src/config/save.js';
import { setInYamlText } from '../../../src/config/yaml-edit.js';
import { CONFIG_TEMPLATE } from '../../../src/commands/init.js';
import { ScriptedPrompter } from '../../support/scripted-prompter.js';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mtpipe-save-'));
  file = join(dir, 'mtpipe.yaml');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const COMMENTED = `# our pipeline: keep this comment
project: mt-team # the prefix

repository:
  # the name everybody clones
  name: translation
  approvals: 2
`;

const load = (overrides: Record<string, unknown> = {}) => loadConfig({ file, fileRequired: false, fallbackRegion: async () => 'eu-west-1', overrides });
const FLAGS = { 'repository.name': '--repository-name', 'repository.approvals': '--approvals' } as Record<string, string>;

describe('saveConfigValues', () => {
  it('changes and adds keys and keeps every comment, the order and the layout', async () => {
    await writeFile(file, COMMENTED);
    const loaded = await load();
    await saveConfigValues(file, [{ key: 'repository.name', value: 'other-repo' }, { key: 'region', value: 'eu-central-1' }], loaded.raw);
    expect(await readFile(file, 'utf8')).toBe(`# our pipeline: keep this comment
project: mt-team # the prefix

repository:
  # the name everybody clones
  name: other-repo
  approvals: 2
region: eu-central-1
`);
  });

  it('creates the file when absent; an account stays a string', async () => {
    const loaded = await load();
    await saveConfigValues(file, [{ key: 'project', value: 'mt-new' }, { key: 'environments.dev.account', value: '012345678901' }], loaded.raw);
    const written = parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    expect(written.project).toBe('mt-new');
    // environments in a file replace the built-in set: the whole set is written, prod is not lost
    expect(written.environments).toEqual({
      dev: { approval: false, deploymentConfig: 'CodeDeployDefault.LambdaAllAtOnce' },
      prod: { approval: true, deploymentConfig: 'CodeDeployDefault.LambdaCanary10Percent5Minutes', protected: true },
    });
  });

  it('with the answer already in raw (as the draft keeps it), the section holds it', async () => {
    const prompter = new ScriptedPrompter({ 'environments.dev.account': '012345678901' });
    const loaded = await load();
    const draft = new ConfigDraft(loaded, prompter);
    await draft.ask({ key: 'environments.dev.account', message: 'dev account', optional: true });
    await saveConfigValues(file, [...draft.answers].map(([key, value]) => ({ key, value })), loaded.raw);
    const reloaded = await load();
    expect(reloaded.config.environments.dev?.account).toBe('012345678901');
    expect(Object.keys(reloaded.config.environments)).toEqual(['dev', 'prod']);
  });
});

describe('setInYamlText', () => {
  it('on the commented template of `mtpipe init`, changes exactly the lines of the keys set', async () => {
    const template = await readFile(CONFIG_TEMPLATE, 'utf8');
    let text = setInYamlText(template, ['repository', 'name'], 'other-repo');
    text = setInYamlText(text, ['environments', 'dev', 'account'], '012345678901');
    text = setInYamlText(text, ['environments', 'prod', 'roleArn'], 'arn:aws:iam::210987654321:role/deployer');
    text = setInYamlText(text, ['repository', 'approvals'], 3);
    const expected = template
      .replace('  name: machine-translation\n', '  name: other-repo\n')
      .replace('  approvals: 1\n', '  approvals: 3\n')
      .replace('    parameters: {}\n  prod:\n', '    parameters: {}\n    account: "012345678901"\n  prod:\n')
      .replace(/(\n {4}parameters: \{\}\n)( {4}# allowSharedAccount[^\n]*\n)$/, '$1    roleArn: arn:aws:iam::210987654321:role/deployer\n$2');
    expect(text).toBe(expected);
    expect(text).not.toBe(template);
  });

  it('adds a new section at the end of the file; a flow mapping is set through the Document API', () => {
    expect(setInYamlText('# mine\nproject: x\n', ['builds', 'artifactBucket'], 'my-bucket')).toBe('# mine\nproject: x\nbuilds:\n  artifactBucket: my-bucket\n');
    expect(setInYamlText('project: x # mine\nenvironments:\n  prod: {}\n', ['environments', 'prod', 'account'], '012345678901')).toBe(
      'project: x # mine\nenvironments:\n  prod: { account: "012345678901" }\n',
    );
    expect(setInYamlText('', ['project'], 'x')).toBe('project: x\n');
  });
});

describe('configWrites', () => {
  it('a flag that differs from the default warns that the next run without it undoes it, unless --save', async () => {
    const loaded = await load({ 'repository.name': 'other-repo' });
    const draft = new ConfigDraft(loaded, new ScriptedPrompter({}, { interactive: false }));
    const flags = { overrides: { 'repository.name': 'other-repo' }, flagFor: (key: string) => FLAGS[key] };
    expect(configWrites(draft, loaded, flags, { save: false, file: 'mtpipe.yaml' })).toEqual({
      writes: [],
      warnings: [
        '--repository-name other-repo differs from mtpipe.yaml (repository.name: machine-translation, the default): the next run without it will undo it; add --save to keep it',
      ],
    });
    expect(configWrites(draft, loaded, flags, { save: true, file: 'mtpipe.yaml' })).toEqual({
      writes: [{ key: 'repository.name', value: 'other-repo', flag: '--repository-name' }],
      warnings: [],
    });
  });

  it("names the file's value; a flag equal to it is neither a warning nor a write", async () => {
    await writeFile(file, COMMENTED);
    const overrides = { 'repository.name': 'other-repo', 'repository.approvals': 2 };
    const loaded = await load(overrides);
    const draft = new ConfigDraft(loaded, new ScriptedPrompter({}, { interactive: false }));
    const { warnings } = configWrites(draft, loaded, { overrides, flagFor: (key) => FLAGS[key] }, { save: false, file });
    expect(warnings).toEqual([
      `--repository-name other-repo differs from ${file} (repository.name: translation): the next run without it will undo it; add --save to keep it`,
    ]);
  });

  it('every wizard answer is written, and no flag was given', async () => {
    const loaded = await load();
    const draft = new ConfigDraft(loaded, new ScriptedPrompter({ 'repository.name': 'wizard-repo', 'repository.approvals': '3' }));
    await draft.ask({ key: 'repository.name', message: 'name' });
    await draft.ask({ key: 'repository.approvals', message: 'approvals', parse: Number });
    expect(configWrites(draft, loaded, { overrides: {}, flagFor: () => undefined }, { save: false, file }).writes).toEqual([
      { key: 'repository.name', value: 'wizard-repo' },
      { key: 'repository.approvals', value: 3 },
    ]);
  });
});

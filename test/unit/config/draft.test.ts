import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigDraft, type ConfigQuestion } from '../../../src/config/draft.js';
import { loadConfig, type LoadOptions } from '../../../src/config/load.js';
import { ScriptedPrompter, UnexpectedQuestionError } from '../../support/scripted-prompter.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mtpipe-draft-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function load(fileText?: string, options: Partial<LoadOptions> = {}) {
  const file = join(dir, 'mtpipe.yaml');
  if (fileText !== undefined) await writeFile(file, fileText);
  return loadConfig({ file, fileRequired: false, fallbackRegion: async () => 'eu-west-1', ...options });
}

const repositoryName: ConfigQuestion = { key: 'repository.name', message: 'Repository name', flag: '--repository-name' };
const approvals: ConfigQuestion = { key: 'repository.approvals', message: 'Approvals', flag: '--approvals', parse: Number };

describe('ScriptedPrompter', () => {
  it('fails on a question it has no answer for', async () => {
    const prompter = new ScriptedPrompter({ 'repository.name': 'x' });
    await expect(prompter.confirm({ name: 'apply', message: 'Apply?', default: true })).rejects.toBeInstanceOf(UnexpectedQuestionError);
  });
});

describe('ConfigDraft.ask', () => {
  it('does not ask when the file sets the key', async () => {
    const prompter = new ScriptedPrompter();
    const draft = new ConfigDraft(await load('repository:\n  name: from-file\n'), prompter);
    await draft.ask(repositoryName);
    expect(prompter.asked).toEqual([]);
    expect(draft.config.repository.name).toBe('from-file');
  });

  it('does not ask when a flag sets the key', async () => {
    const prompter = new ScriptedPrompter();
    const draft = new ConfigDraft(await load(undefined, { overrides: { 'repository.name': 'from-flag' } }), prompter);
    await draft.ask(repositoryName);
    expect(prompter.asked).toEqual([]);
    expect(draft.config.repository.name).toBe('from-flag');
  });

  it('does not ask in a non-interactive run: the default stays', async () => {
    const prompter = new ScriptedPrompter({ 'repository.name': 'never-used' }, { interactive: false });
    const draft = new ConfigDraft(await load(), prompter);
    await draft.ask(repositoryName);
    expect(prompter.asked).toEqual([]);
    expect(draft.config.repository.name).toBe('machine-translation');
  });

  it('asks by the dotted key, offering the current value, and keeps the answer', async () => {
    const prompter = new ScriptedPrompter({ 'repository.name': 'translation-app' });
    const loaded = await load('project: mt\n');
    const draft = new ConfigDraft(loaded, prompter);
    await draft.ask(repositoryName);
    expect(prompter.asked).toEqual([{ kind: 'text', name: 'repository.name', message: 'Repository name', default: 'machine-translation' }]);
    expect(draft.config.repository.name).toBe('translation-app');
    expect(loaded.raw).toMatchObject({ repository: { name: 'translation-app' } });
    // the rest of the configuration is untouched
    expect(draft.config.project).toBe('mt');
    expect(prompter.unused()).toEqual([]);
  });

  it("rejects an invalid answer with the schema's message, then takes a valid one", async () => {
    const prompter = new ScriptedPrompter({ 'repository.name': ['my repo', 'repo.git', 'my-repo'] });
    const draft = new ConfigDraft(await load(), prompter);
    await draft.ask(repositoryName);
    expect(prompter.rejected.map((r) => r.answer)).toEqual(['my repo', 'repo.git']);
    for (const rejection of prompter.rejected) {
      expect(rejection.message).toBe(
        'repository.name: must be 1-100 characters: letters, digits, ".", "_" and "-", not ending in ".git"',
      );
    }
    expect(draft.config.repository.name).toBe('my-repo');
  });

  it('parses the answer before checking and storing it', async () => {
    const prompter = new ScriptedPrompter({ 'repository.approvals': ['0', 'two', '3'] });
    const draft = new ConfigDraft(await load(), prompter);
    await draft.ask(approvals);
    expect(prompter.asked[0]!.default).toBe('1');
    expect(prompter.rejected.map((r) => r.message)).toEqual([
      'repository.approvals: must be at least 1',
      expect.stringMatching(/^repository\.approvals: /),
    ]);
    expect(draft.config.repository.approvals).toBe(3);
  });

  it('judges an answer only by its own key, not by problems elsewhere', async () => {
    const prompter = new ScriptedPrompter({ 'repository.description': 'Our translation pipeline' });
    const draft = new ConfigDraft(await load(), prompter);
    await draft.ask({ key: 'repository.description', message: 'Description', flag: '--description' });
    expect(prompter.rejected).toEqual([]);
    expect(draft.config.repository.description).toBe('Our translation pipeline');
  });

  it('asks about an environment setting the file leaves out', async () => {
    const prompter = new ScriptedPrompter({ 'environments.dev.account': ['12345', '123456789012'] });
    const draft = new ConfigDraft(await load('environments:\n  dev:\n    approval: false\n'), prompter);
    await draft.ask({ key: 'environments.dev.account', message: 'dev account', flag: '--dev-account' });
    expect(prompter.rejected).toEqual([
      { name: 'environments.dev.account', answer: '12345', message: 'environments.dev.account: must be a 12-digit AWS account id' },
    ]);
    expect(draft.config.environments.dev!.account).toBe('123456789012');
  });

  it('offers a given default instead of the current value, and keeps every answer for mtpipe.yaml', async () => {
    const prompter = new ScriptedPrompter({ 'environments.dev.account': '210987654321', 'repository.name': 'repo' });
    const draft = new ConfigDraft(await load(), prompter);
    await draft.ask({ key: 'environments.dev.account', message: 'dev account', default: '123456789012', optional: true });
    await draft.ask(repositoryName);
    expect(prompter.asked[0]).toMatchObject({ name: 'environments.dev.account', default: '123456789012' });
    expect([...draft.answers]).toEqual([
      ['environments.dev.account', '210987654321'],
      ['repository.name', 'repo'],
    ]);
  });

  it('an optional question left empty leaves the key unset and records no answer', async () => {
    const prompter = new ScriptedPrompter({ 'environments.prod.account': '' });
    const draft = new ConfigDraft(await load(), prompter);
    await draft.ask({ key: 'environments.prod.account', message: 'prod account (empty: the credentials\' account)', optional: true });
    expect(prompter.rejected).toEqual([]);
    expect(draft.config.environments.prod!.account).toBeUndefined();
    expect(draft.answers.size).toBe(0);
  });

  it('a required question refuses an empty answer with the rule', async () => {
    const prompter = new ScriptedPrompter({ 'environments.prod.roleArn': ['', 'arn:aws:iam::210987654321:role/deployer'] });
    const draft = new ConfigDraft(await load(), prompter);
    await draft.ask({ key: 'environments.prod.roleArn', message: 'role' });
    expect(prompter.rejected.map((r) => r.message)).toEqual([
      'environments.prod.roleArn: must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)',
    ]);
    expect(draft.config.environments.prod!.roleArn).toBe('arn:aws:iam::210987654321:role/deployer');
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UNKNOWN_ACCOUNT, type Connection } from '../../../src/aws/targets.js';
import { askEnvironmentAccounts, askProjectAndRegion } from '../../../src/commands/placement.js';
import { ConfigDraft } from '../../../src/config/draft.js';
import { loadConfig } from '../../../src/config/load.js';
import { ScriptedPrompter } from '../../support/scripted-prompter.js';

const CALLER = '123456789012';
const OTHER = '210987654321';
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mtpipe-placement-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function draftFor(prompter: ScriptedPrompter, fileText?: string, overrides: Record<string, unknown> = {}) {
  const file = join(dir, 'mtpipe.yaml');
  if (fileText !== undefined) await writeFile(file, fileText);
  return new ConfigDraft(await loadConfig({ file, fileRequired: false, fallbackRegion: async () => 'eu-west-1', overrides }), prompter);
}

const online = { sharedAccount: CALLER, offline: false } as Connection;
const offline = { sharedAccount: UNKNOWN_ACCOUNT, offline: true } as Connection;

describe('where things go: project, region, accounts', () => {
  it('asks project and region on a fresh project, offering the defaults', async () => {
    const prompter = new ScriptedPrompter({ project: 'mt-team', region: 'eu-central-1' });
    const draft = await draftFor(prompter);
    await askProjectAndRegion(draft);
    expect(prompter.asked.map((q) => [q.name, q.default])).toEqual([
      ['project', 'mt-pipeline'],
      ['region', 'eu-west-1'],
    ]);
    expect(draft.config).toMatchObject({ project: 'mt-team', region: 'eu-central-1' });
  });

  it('asks nothing that mtpipe.yaml or --region gives', async () => {
    const prompter = new ScriptedPrompter({});
    await askProjectAndRegion(await draftFor(prompter, 'project: mt-team\n', { region: 'eu-west-2' }));
    expect(prompter.asked).toEqual([]);
  });

  it("offers the caller's account for the first environment only; Enter keeps the credentials' account and writes it", async () => {
    const prompter = new ScriptedPrompter({ 'environments.dev.account': '' });
    const draft = await draftFor(prompter, `environments:\n  dev: {}\n`);
    await askEnvironmentAccounts(draft, ['dev'], online, prompter);
    expect(prompter.asked).toEqual([
      { kind: 'text', name: 'environments.dev.account', message: `AWS account of environment dev (12 digits; empty: the credentials' account, ${CALLER})`, default: CALLER },
    ]);
    // written as the account it means, so that the next run asks nothing
    expect([...draft.answers]).toEqual([['environments.dev.account', CALLER]]);
  });

  it("an environment left in an earlier one's account: sharing is asked (default No); No asks for another account, and its role", async () => {
    const role = `arn:aws:iam::${OTHER}:role/mtpipe-deployer`;
    const prompter = new ScriptedPrompter({
      'environments.dev.account': CALLER,
      'environments.prod.account': ['', CALLER, OTHER],
      'environments.prod.allowSharedAccount': false,
      'environments.prod.roleArn': role,
    });
    const draft = await draftFor(prompter);
    await askEnvironmentAccounts(draft, ['dev', 'prod'], online, prompter);
    expect(prompter.asked.map((q) => [q.kind, q.name])).toEqual([
      ['text', 'environments.dev.account'],
      ['text', 'environments.prod.account'],
      ['confirm', 'environments.prod.allowSharedAccount'],
      ['text', 'environments.prod.account'],
      ['text', 'environments.prod.roleArn'],
    ]);
    expect(prompter.asked[2]).toMatchObject({ message: `prod shares account ${CALLER} with dev (fixed resource names collide). Share anyway?`, default: false });
    expect(prompter.asked[3]!.message).toBe('AWS account of environment prod (12 digits; not one an earlier environment uses)');
    // now an answer is required, and dev's account, typed again, is refused with the reason
    expect(prompter.rejected).toEqual([
      { name: 'environments.prod.account', answer: '', message: 'environments.prod.account: must be a 12-digit AWS account id' },
      { name: 'environments.prod.account', answer: CALLER, message: `dev uses account ${CALLER}: give another account` },
    ]);
    expect(draft.config.environments.prod).toMatchObject({ account: OTHER, roleArn: role, allowSharedAccount: false });
  });

  it('another account needs the role mtpipe assumes there, and an empty role is refused', async () => {
    const role = `arn:aws:iam::${OTHER}:role/mtpipe-deployer`;
    const prompter = new ScriptedPrompter({ 'environments.prod.account': OTHER, 'environments.prod.roleArn': ['', role] });
    const draft = await draftFor(prompter, `environments:\n  dev:\n    account: "${CALLER}"\n  prod: {}\n`);
    await askEnvironmentAccounts(draft, ['dev', 'prod'], online, prompter);
    expect(prompter.asked.map((q) => q.name)).toEqual(['environments.prod.account', 'environments.prod.roleArn']);
    expect(prompter.asked[1]!.message).toBe(`IAM role mtpipe assumes in account ${OTHER} for prod (it must trust account ${CALLER})`);
    expect(prompter.rejected).toHaveLength(1);
    expect(draft.config.environments.prod).toMatchObject({ account: OTHER, roleArn: role });
  });

  it('offline, no account is offered and the role may be left empty', async () => {
    const prompter = new ScriptedPrompter({ 'environments.dev.account': OTHER, 'environments.dev.roleArn': '' });
    const draft = await draftFor(prompter);
    await askEnvironmentAccounts(draft, ['dev'], offline, prompter);
    expect(prompter.asked[0]).not.toHaveProperty('default');
    expect(draft.config.environments.dev).toMatchObject({ account: OTHER });
    expect(draft.config.environments.dev!.roleArn).toBeUndefined();
  });

  it('asks nothing in a non-interactive run', async () => {
    const prompter = new ScriptedPrompter({}, { interactive: false });
    const draft = await draftFor(prompter);
    await askProjectAndRegion(draft);
    await askEnvironmentAccounts(draft, ['dev', 'prod'], online, prompter);
    expect(prompter.asked).toEqual([]);
  });
});

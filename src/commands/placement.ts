import type { Connection } from '../aws/targets.js';
import type { ConfigDraft } from '../config/draft.js';
import type { Prompter } from '../ui/prompter.js';

/**
 * What decides where things go, asked (interactive runs only) when neither mtpipe.yaml nor a flag
 * gives it, before any step's own questions. The project and region come first: the region decides
 * which clients are built, and STS is asked only after it.
 */
export async function askProjectAndRegion(draft: ConfigDraft): Promise<void> {
  await draft.ask({ key: 'project', message: 'Project name (prefix of every resource name)' });
  await draft.ask({ key: 'region', message: 'AWS region of the repository, the builds and the pipeline', flag: '--region' });
}

/**
 * Each selected environment's account, offered the caller's account (from STS) for the first
 * environment of the configuration; the others may be left empty (the credentials' account). For an
 * account other than the caller's, the role mtpipe assumes there (required, unless offline).
 */
export async function askEnvironmentAccounts(draft: ConfigDraft, envNames: string[], connection: Connection, prompter: Prompter): Promise<void> {
  const caller = connection.offline ? undefined : connection.sharedAccount;
  const first = Object.keys(draft.config.environments)[0];
  for (const env of envNames) {
    const key = `environments.${env}.account`;
    const empty = caller ? `empty: the credentials' account, ${caller}` : `empty: the credentials' account`;
    const question = { key, message: `AWS account of environment ${env} (12 digits; ${empty})`, optional: true };
    await draft.ask({ ...question, ...(env === first && caller ? { default: caller } : {}) });
    await settleSharing(draft, env, caller, prompter, question);
    // an empty answer means the credentials' account: written as such, so the next run asks nothing
    if (!draft.isGiven(key) && caller && prompter.interactive) draft.set(key, caller);
    const account = draft.config.environments[env]?.account;
    if (account === undefined || account === caller) continue;
    await draft.ask({
      key: `environments.${env}.roleArn`,
      message: `IAM role mtpipe assumes in account ${account} for ${env} (it must trust ${caller ? `account ${caller}` : 'the account you run mtpipe from'})`,
      optional: caller === undefined,
    });
  }
}

/**
 * The solution's fixed resource names make two environments in one account collide: when an answer
 * puts an environment in an earlier one's account, ask whether that is meant (default No; yes sets
 * `allowSharedAccount`); no asks for another account, which may not be one an earlier environment uses.
 */
async function settleSharing(
  draft: ConfigDraft,
  env: string,
  caller: string | undefined,
  prompter: Prompter,
  question: { key: string; message: string; optional: boolean },
): Promise<void> {
  const shareKey = `environments.${env}.allowSharedAccount`;
  if (draft.isGiven(shareKey) || !prompter.interactive) return;
  const accountOf = (name: string) => draft.config.environments[name]?.account ?? caller;
  const names = Object.keys(draft.config.environments);
  const earlierOf = (account: string | undefined) =>
    account === undefined ? undefined : names.slice(0, names.indexOf(env)).find((other) => accountOf(other) === account);
  const account = accountOf(env);
  const earlier = earlierOf(account);
  if (earlier === undefined) return;
  const share = await prompter.confirm({
    name: shareKey,
    message: `${env} shares account ${account} with ${earlier} (fixed resource names collide). Share anyway?`,
    default: false,
  });
  if (share) {
    draft.set(shareKey, true);
    return;
  }
  await draft.ask({
    ...question,
    optional: false,
    again: true,
    message: `AWS account of environment ${env} (12 digits; not one an earlier environment uses)`,
    check: (value) => {
      const other = earlierOf(typeof value === 'string' ? value : undefined);
      return other === undefined ? undefined : `${other} uses account ${String(value)}: give another account`;
    },
  });
}

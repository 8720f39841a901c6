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
  const accountOf = (env: string) => draft.config.environments[env]?.account ?? caller;
  for (const env of envNames) {
    const key = `environments.${env}`;
    const empty = caller ? `empty: the credentials' account, ${caller}` : `empty: the credentials' account`;
    await draft.ask({
      key: `${key}.account`,
      message: `AWS account of environment ${env} (12 digits; ${empty})`,
      optional: true,
      ...(env === first && caller ? { default: caller } : {}),
    });
    await askToShare(draft, env, accountOf, prompter);
    const account = draft.config.environments[env]?.account;
    if (account === undefined || account === caller) continue;
    await draft.ask({
      key: `${key}.roleArn`,
      message: `IAM role mtpipe assumes in account ${account} for ${env} (it must trust ${caller ? `account ${caller}` : 'the account you run mtpipe from'})`,
      optional: caller === undefined,
    });
  }
}

/**
 * The solution's fixed resource names make two environments in one account collide: when an answer
 * puts an environment in an earlier one's account, ask whether that is meant (default No; yes sets
 * `allowSharedAccount`), rather than failing after every question with the plan's refusal.
 */
async function askToShare(draft: ConfigDraft, env: string, accountOf: (env: string) => string | undefined, prompter: Prompter): Promise<void> {
  const key = `environments.${env}.allowSharedAccount`;
  const account = accountOf(env);
  if (account === undefined || draft.isGiven(key) || !prompter.interactive) return;
  const names = Object.keys(draft.config.environments);
  const earlier = names.slice(0, names.indexOf(env)).find((other) => accountOf(other) === account);
  if (earlier === undefined) return;
  const share = await prompter.confirm({
    name: key,
    message: `${env} shares account ${account} with ${earlier} (fixed resource names collide). Share anyway?`,
    default: false,
  });
  if (share) draft.set(key, true);
}

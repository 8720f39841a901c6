import { isProtected, type Config } from '../config/schema.js';
import type { Change } from '../engine/types.js';
import type { ConfirmQuestion } from '../ui/prompter.js';

/** How many names of deleted resources the question lists before "…". */
const NAMES_SHOWN = 3;

/**
 * The question before apply. It defaults to Yes, except when the plan deletes something or changes an
 * environment marked `protected` (prod by default): then it defaults to No and names what is at stake,
 * e.g. "This plan (7 changes) deletes 2 resources (a, b) and changes protected environment prod (5 changes). Apply?".
 */
export function applyQuestion(changes: Change[], config: Config): ConfirmQuestion {
  const pending = changes.filter((change) => change.action !== 'noop');
  const deleted = pending.filter((change) => change.action === 'delete');
  const byProtectedEnv = new Map<string, number>();
  for (const change of pending) {
    const env = change.desired.target.name;
    if (config.environments[env] !== undefined && isProtected(config, env)) byProtectedEnv.set(env, (byProtectedEnv.get(env) ?? 0) + 1);
  }
  if (deleted.length === 0 && byProtectedEnv.size === 0) {
    return { name: 'apply', message: `Apply these ${pending.length} change(s)?`, default: true };
  }
  const stakes: string[] = [];
  if (deleted.length > 0) {
    const names = deleted.map((change) => `${change.desired.kind.kind} ${change.desired.kind.name(change.desired.spec)}`);
    const shown = names.slice(0, NAMES_SHOWN).join(', ') + (names.length > NAMES_SHOWN ? ', …' : '');
    stakes.push(`deletes ${count(deleted.length, 'resource')} (${shown})`);
  }
  const envs = [...byProtectedEnv].map(([env, n]) => `${env} (${count(n, 'change')})`);
  if (envs.length > 0) stakes.push(`changes protected environment${envs.length > 1 ? 's' : ''} ${envs.join(', ')}`);
  return { name: 'apply', message: `This plan (${count(pending.length, 'change')}) ${stakes.join(' and ')}. Apply?`, default: false };
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

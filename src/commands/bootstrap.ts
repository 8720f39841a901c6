import { initRepo, INIT_REPO_FLAGS } from './init-repo.js';
import { setParams } from './set-params.js';
import type { Step } from './step.js';

/**
 * The steps bootstrap runs, in dependency order. Steps of later issues (setup-security,
 * create-builds, create-deploy, create-pipeline, setup-monitoring, verify) join this list.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const BOOTSTRAP_STEPS: Step<any>[] = [initRepo, setParams];

export const BOOTSTRAP_FLAGS: Record<string, string> = { ...INIT_REPO_FLAGS };

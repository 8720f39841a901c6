import { createBuilds } from './create-builds.js';
import { createDeploy } from './create-deploy.js';
import { createPipeline } from './create-pipeline.js';
import { initRepo } from './init-repo.js';
import { qeImage } from './qe-image.js';
import { setParams } from './set-params.js';
import { setupMonitoring } from './setup-monitoring.js';
import { setupSecurity } from './setup-security.js';
import { solutionBuckets } from './solution-buckets.js';
import type { Step } from './step.js';

/**
 * The steps bootstrap runs, in dependency order (one plan for all of them). Steps of later issues
 * (setup-monitoring, verify) join this list.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const BOOTSTRAP_STEPS: Step<any>[] = [initRepo, setupSecurity, setParams, createBuilds, qeImage, createDeploy, solutionBuckets, createPipeline, setupMonitoring];

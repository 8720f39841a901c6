import { createBuilds } from './create-builds.js';
import { createDeploy } from './create-deploy.js';
import { createPipeline } from './create-pipeline.js';
import { initRepo } from './init-repo.js';
import { pushCode } from './push-step.js';
import { qeImage } from './qe-image.js';
import { setParams } from './set-params.js';
import { setupMonitoring } from './setup-monitoring.js';
import { setupSecurity } from './setup-security.js';
import { solutionBuckets } from './solution-buckets.js';
import type { Step } from './step.js';

/** The seed's eight steps (§8), by the names --skip and --only take. */
export const SEED_STEP_NAMES = ['repository', 'parameters', 'builds', 'deploy', 'pipeline', 'monitoring', 'test', 'verify'] as const;
export type SeedStepName = (typeof SEED_STEP_NAMES)[number];

/** One of the seed's steps: the provisioning steps it plans (steps 1–6), or what runs after the apply (7, 8). */
export interface SeedStep {
  name: SeedStepName;
  title: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  steps: Step<any>[];
}

export const SEED_STEPS: SeedStep[] = [
  { name: 'repository', title: 'security, repository and push', steps: [initRepo, setupSecurity, pushCode] },
  { name: 'parameters', title: 'parameters', steps: [setParams] },
  { name: 'builds', title: 'builds and the image repository', steps: [createBuilds, qeImage] },
  { name: 'deploy', title: "deployment groups and the solution's buckets", steps: [createDeploy, solutionBuckets] },
  { name: 'pipeline', title: 'pipeline', steps: [createPipeline] },
  { name: 'monitoring', title: 'alarms, dashboards, tracing', steps: [setupMonitoring] },
  { name: 'test', title: 'a test commit through the pipeline', steps: [] },
  { name: 'verify', title: 'verify', steps: [] },
];

/**
 * The provisioning steps in dependency order (one plan for all of them): what drift compares, verify
 * checks and destroy deletes. The push is not among them: the code on the branch is the team's, not
 * infrastructure to keep in line.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const BOOTSTRAP_STEPS: Step<any>[] = SEED_STEPS.flatMap((seed) => seed.steps).filter((step) => step !== pushCode);

/** "step 3 of 8: builds" for the seed step that holds `step`. */
export function seedStepLabel(step: Step<unknown>): string | undefined {
  const index = SEED_STEPS.findIndex((seed) => seed.steps.includes(step));
  return index < 0 ? undefined : `step ${index + 1} of ${SEED_STEPS.length}: ${SEED_STEPS[index]!.name}`;
}

import type { DeploymentInfo } from '@aws-sdk/client-codedeploy';
import { sdk } from './sdk.js';
import type { Target } from '../engine/types.js';
import type { RenderedAppSpec } from '../templates/appspec.js';

/** `aws deploy wait` polls every 15 seconds. */
export const DEPLOYMENT_POLL_INTERVAL_MS = 15_000;
const FINISHED = new Set(['Succeeded', 'Failed', 'Stopped']);

export interface StartDeployment {
  applicationName: string;
  deploymentGroupName: string;
  appSpec: RenderedAppSpec;
  description: string;
}

/** Starts a Lambda deployment whose revision is the AppSpec itself (no S3 bundle). */
export async function startDeployment(target: Target, request: StartDeployment): Promise<string> {
  const { CodeDeployClient, CreateDeploymentCommand } = await sdk.codedeploy();
  const { deploymentId } = await target.clients.get(CodeDeployClient).send(
    new CreateDeploymentCommand({
      applicationName: request.applicationName,
      deploymentGroupName: request.deploymentGroupName,
      revision: {
        revisionType: 'AppSpecContent',
        appSpecContent: { content: request.appSpec.content, sha256: request.appSpec.sha256 },
      },
      description: request.description,
    }),
  );
  if (!deploymentId) throw new Error('CodeDeploy returned no deployment id');
  return deploymentId;
}

export interface FollowOptions {
  timeoutMs: number;
  pollIntervalMs?: number;
  sleep?: (ms: number) => Promise<unknown>;
  now?: () => number;
  /** called once per status CodeDeploy reports, when it changes */
  onStatus?: (status: string) => void;
}

export type Followed = { finished: true; info: DeploymentInfo } | { finished: false; info: DeploymentInfo | undefined };

/** Polls GetDeployment until the deployment succeeds, fails or stops, or until the timeout. */
export async function followDeployment(target: Target, deploymentId: string, options: FollowOptions): Promise<Followed> {
  const { CodeDeployClient, GetDeploymentCommand } = await sdk.codedeploy();
  const client = target.clients.get(CodeDeployClient);
  const sleep = options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const interval = options.pollIntervalMs ?? DEPLOYMENT_POLL_INTERVAL_MS;
  const deadline = now() + options.timeoutMs;
  let last: DeploymentInfo | undefined;
  for (;;) {
    const { deploymentInfo } = await client.send(new GetDeploymentCommand({ deploymentId }));
    const status = deploymentInfo?.status ?? 'Unknown';
    if (status !== last?.status) options.onStatus?.(status);
    last = deploymentInfo;
    if (deploymentInfo && FINISHED.has(status)) return { finished: true, info: deploymentInfo };
    if (now() + interval > deadline) return { finished: false, info: last };
    await sleep(interval);
  }
}

/** The minutes a predefined Lambda deployment config takes to shift all traffic (hooks not counted). */
export function shiftMinutes(deploymentConfigName: string): number {
  const canary = /Canary10Percent(\d+)Minutes?$/.exec(deploymentConfigName);
  if (canary) return Number(canary[1]);
  // ten steps of 10 percent
  const linear = /Linear10PercentEvery(\d+)Minutes?$/.exec(deploymentConfigName);
  if (linear) return 10 * Number(linear[1]);
  return 0;
}

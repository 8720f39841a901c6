/**
 * CloudFormation drift detection of one stack: DetectStackDrift starts it, DescribeStackDriftDetectionStatus
 * says when it is done, DescribeStackResourceDrifts lists the resources that differ from the template.
 * DetectStackDrift changes nothing in the stack; it only starts a detection run.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { sdk } from './sdk.js';
import type { Target } from '../engine/types.js';
import { isStackNotFound } from './errors.js';

/** How long one stack's detection may take before mtpipe gives up on it (CloudFormation takes seconds to minutes). */
export const DRIFT_DETECTION_TIMEOUT_MS = 5 * 60_000;
const POLL_INTERVAL_MS = 3_000;

/** One resource that differs from the stack's template (MODIFIED, or DELETED outside CloudFormation). */
export interface ResourceDrift {
  logicalId: string;
  type: string;
  physicalId?: string;
  status: string;
  /** property paths that differ, with the template's and the actual value */
  differences: { path: string; expected?: string; actual?: string; type?: string }[];
}

export interface StackDriftReport {
  stack: string;
  /**
   * DRIFTED, IN_SYNC, NOT_CHECKED, UNKNOWN (CloudFormation's StackDriftStatus), NOT_DEPLOYED (no such
   * stack) or FAILED (the detection failed or did not finish by the deadline: `reason` says why)
   */
  status: string;
  reason?: string;
  resources: ResourceDrift[];
}

export interface DetectOptions {
  timeoutMs?: number;
  pollIntervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * Runs drift detection of `stack` in the target and waits for it, at most `timeoutMs` (default 5 minutes).
 * Reports a missing stack as NOT_DEPLOYED. Throws the SDK's error of any other failed call.
 */
export async function detectStackDrift(target: Target, stack: string, options: DetectOptions = {}): Promise<StackDriftReport> {
  const { CloudFormationClient, DescribeStackDriftDetectionStatusCommand, DetectStackDriftCommand } = await sdk.cloudformation();
  const client = target.clients.get(CloudFormationClient);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? DRIFT_DETECTION_TIMEOUT_MS;
  let detectionId: string | undefined;
  try {
    ({ StackDriftDetectionId: detectionId } = await client.send(new DetectStackDriftCommand({ StackName: stack })));
  } catch (error) {
    if (isStackNotFound(error)) return { stack, status: 'NOT_DEPLOYED', resources: [] };
    throw error;
  }
  const deadline = now() + timeoutMs;
  for (;;) {
    const status = await client.send(new DescribeStackDriftDetectionStatusCommand({ StackDriftDetectionId: detectionId }));
    if (status.DetectionStatus === 'DETECTION_IN_PROGRESS') {
      if (now() >= deadline) {
        return { stack, status: 'FAILED', reason: `drift detection ${detectionId} did not finish within ${Math.round(timeoutMs / 1000)} s`, resources: [] };
      }
      await sleep(options.pollIntervalMs ?? POLL_INTERVAL_MS);
      continue;
    }
    // DETECTION_FAILED still reports what it could check (some resource types do not support detection)
    const reason = status.DetectionStatus === 'DETECTION_FAILED' ? (status.DetectionStatusReason ?? 'drift detection failed') : undefined;
    const driftStatus = status.StackDriftStatus ?? 'UNKNOWN';
    const resources = driftStatus === 'DRIFTED' ? await resourceDrifts(client, stack) : [];
    return { stack, status: reason && driftStatus !== 'DRIFTED' ? 'FAILED' : driftStatus, ...(reason ? { reason } : {}), resources };
  }
}

async function resourceDrifts(client: CloudFormationClient, stack: string): Promise<ResourceDrift[]> {
  const { DescribeStackResourceDriftsCommand } = await sdk.cloudformation();
  const drifts: ResourceDrift[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(
      new DescribeStackResourceDriftsCommand({ StackName: stack, StackResourceDriftStatusFilters: ['MODIFIED', 'DELETED'], ...(NextToken ? { NextToken } : {}) }),
    );
    for (const drift of page.StackResourceDrifts ?? []) {
      drifts.push({
        logicalId: drift.LogicalResourceId ?? '',
        type: drift.ResourceType ?? '',
        ...(drift.PhysicalResourceId ? { physicalId: drift.PhysicalResourceId } : {}),
        status: drift.StackResourceDriftStatus ?? '',
        differences: (drift.PropertyDifferences ?? []).map((d) => ({
          path: d.PropertyPath ?? '',
          ...(d.ExpectedValue !== undefined ? { expected: d.ExpectedValue } : {}),
          ...(d.ActualValue !== undefined ? { actual: d.ActualValue } : {}),
          ...(d.DifferenceType ? { type: d.DifferenceType } : {}),
        })),
      });
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return drifts;
}

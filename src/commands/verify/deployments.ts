import type { DeploymentInfo } from '@aws-sdk/client-codedeploy';
import { sdk } from '../../aws/sdk.js';
import { isDeploymentGroupNotFound } from '../../aws/errors.js';
import type { Target } from '../../engine/types.js';
import { failed, guarded, ok, warning, type CheckRow } from './check.js';

/** BatchGetDeployments takes at most 25 ids (CodeDeploy API reference). */
const BATCH = 25;

/**
 * The last deployment of the deployment group (ListDeployments, first page; the newest by createTime,
 * since the API does not promise an order): Succeeded is ok, Failed or Stopped fail, others are under
 * way (warning); none yet is a warning. Never throws.
 */
export async function deploymentCheck(target: Target, application: string, group: string): Promise<CheckRow[]> {
  const { BatchGetDeploymentsCommand, CodeDeployClient, ListDeploymentsCommand } = await sdk.codedeploy();
  const check = `deployment group ${group}`;
  return guarded(check, async () => {
    const client = target.clients.get(CodeDeployClient);
    let ids: string[];
    try {
      ({ deployments: ids = [] } = await client.send(new ListDeploymentsCommand({ applicationName: application, deploymentGroupName: group })));
    } catch (error) {
      if (isDeploymentGroupNotFound(error)) return [failed(check, 'does not exist: run `mtpipe create-deploy`')];
      throw error;
    }
    if (ids.length === 0) return [warning(check, 'no deployment yet (`mtpipe release` makes one)')];
    const infos: DeploymentInfo[] = [];
    for (let i = 0; i < ids.length; i += BATCH) {
      const { deploymentsInfo = [] } = await client.send(new BatchGetDeploymentsCommand({ deploymentIds: ids.slice(i, i + BATCH) }));
      infos.push(...deploymentsInfo);
    }
    const last = infos.reduce<DeploymentInfo | undefined>((a, b) => (!a || (b.createTime?.getTime() ?? 0) > (a.createTime?.getTime() ?? 0) ? b : a), undefined);
    const status = last?.status ?? 'Unknown';
    const reason = `last deployment ${last?.deploymentId ?? '?'}: ${status}${last?.errorInformation?.message ? ` (${last.errorInformation.message})` : ''}`;
    if (status === 'Succeeded') return [ok(check, reason)];
    if (status === 'Failed' || status === 'Stopped') return [failed(check, `${reason}${last?.rollbackInfo?.rollbackDeploymentId ? `; rolled back by ${last.rollbackInfo.rollbackDeploymentId}` : ''}`)];
    return [warning(check, reason)];
  });
}

import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { AwsCall } from '../../src/aws/call-log.js';
import { BOOTSTRAP_STEPS } from '../../src/commands/bootstrap.js';
import { validateCalls } from '../support/api-models.js';
import { runInProcess, type RunOptions } from '../support/harness.js';
import { resetMoto } from '../support/moto.js';
import { HF_TOKEN, operationsOf, restoreHfTokenAfterEach, setHfToken, stateClients } from '../support/aws-state.js';

const moto = inject('motoUrl');
const aws = stateClients(moto);
afterAll(() => aws.destroy());

/** The whole of bootstrap (every step of both issues so far), checked call by call against botocore's models. */
describe('bootstrap: every request is valid against the AWS API models, and a second run writes nothing', () => {
  beforeEach(() => resetMoto(moto));
  restoreHfTokenAfterEach();

  for (const store of ['ssm', 'secretsmanager'] as const) {
    it(`token in ${store}: first run, second run, dry run`, async () => {
      setHfToken(HF_TOKEN);
      const calls: AwsCall[] = [];
      const options: RunOptions = { overrides: { 'secrets.huggingFaceToken.store': store } };
      const run = async (label: string, extra: RunOptions['options'] = {}) => {
        const result = await runInProcess('bootstrap', BOOTSTRAP_STEPS, moto, { ...options, options: extra });
        expect(result.error, `${label}: ${String(result.error)}\n${result.stderr}`).toBeUndefined();
        calls.push(...result.calls);
        return result;
      };

      const first = await run('first run');
      const written = new Set(operationsOf(first.writes));
      for (const operation of [
        'CodeCommit.CreateRepository',
        'IAM.CreateRole',
        'IAM.PutRolePolicy',
        'IAM.AttachRolePolicy',
        'S3.CreateBucket',
        'S3.PutPublicAccessBlock',
        'CloudWatchLogs.CreateLogGroup',
        'CodeBuild.CreateProject',
        'CodeDeploy.CreateApplication',
        'CodeDeploy.CreateDeploymentGroup',
        'KMS.CreateKey',
        'SNS.CreateTopic',
        'CodePipeline.CreatePipeline',
        'EventBridge.PutRule',
        'EventBridge.PutTargets',
        store === 'ssm' ? 'SSM.PutParameter' : 'SecretsManager.CreateSecret',
      ]) {
        expect(written, operation).toContain(operation);
      }
      if (store === 'secretsmanager') expect(written).not.toContain('SecretsManager.PutSecretValue');

      expect((await run('second run')).writes).toEqual([]);
      expect((await run('dry run', { dryRun: true })).writes).toEqual([]);

      const { violations } = validateCalls(calls);
      expect(violations, `requests the AWS API would reject:\n${violations.join('\n')}`).toEqual([]);
      expect(JSON.stringify(calls)).not.toContain(HF_TOKEN);
    });
  }
});

import { GetRepositoryCommand } from '@aws-sdk/client-codecommit';
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { initRepo } from '../../src/commands/init-repo.js';
import { setParams } from '../../src/commands/set-params.js';
import { runInProcess } from '../support/harness.js';
import { resetMoto } from '../support/moto.js';
import {
  HF_TOKEN,
  operationsOf,
  parameterName,
  parametersUnder,
  parameterTags,
  REPOSITORY,
  restoreHfTokenAfterEach,
  setHfToken,
  stateClients,
} from '../support/aws-state.js';

const moto = inject('motoUrl');
const aws = stateClients(moto);
afterAll(() => aws.destroy());

const OUTPUT_BUCKET = parameterName('dev', 'output_bucket_name');

describe('drift: a change made outside mtpipe is put back with the fewest calls', () => {
  beforeEach(() => resetMoto(moto));
  restoreHfTokenAfterEach();
  beforeEach(async () => {
    setHfToken(HF_TOKEN);
    const first = await runInProcess('bootstrap', [initRepo, setParams], moto);
    expect(first.error).toBeUndefined();
  });

  it('a parameter value changed out of band: exactly one PutParameter with Overwrite and no Tags', async () => {
    await aws.ssm.send(new PutParameterCommand({ Name: OUTPUT_BUCKET, Value: 'changed-by-hand', Type: 'String', Overwrite: true }));

    const run = await runInProcess('set-params', [setParams], moto);
    expect(run.error).toBeUndefined();
    expect(run.writes).toHaveLength(1);
    const [put] = run.writes;
    expect(put).toMatchObject({ service: 'SSM', operation: 'PutParameter' });
    expect(put?.input).toEqual({ Name: OUTPUT_BUCKET, Value: '***', Type: 'String', Tier: 'Standard', Overwrite: true });
    expect(run.stdout).toContain('value: "changed-by-hand" → "mt-pipeline-dev-output-123456789012"');

    const { Parameter } = await aws.ssm.send(new GetParameterCommand({ Name: OUTPUT_BUCKET }));
    expect(Parameter?.Value).toBe('mt-pipeline-dev-output-123456789012');
    expect(await parameterTags(aws.ssm, OUTPUT_BUCKET)).toEqual({ 'mtpipe:project': 'mt-pipeline', 'mtpipe:env': 'dev' });

    const again = await runInProcess('set-params', [setParams], moto);
    expect(again.writes).toEqual([]);
  });

  it('a changed repository description: exactly UpdateRepositoryDescription', async () => {
    const run = await runInProcess('init-repo', [initRepo], moto, { overrides: { 'repository.description': 'x' } });
    expect(run.error).toBeUndefined();
    expect(run.writes.map((call) => ({ service: call.service, operation: call.operation, input: call.input }))).toEqual([
      { service: 'CodeCommit', operation: 'UpdateRepositoryDescription', input: { repositoryName: REPOSITORY, repositoryDescription: 'x' } },
    ]);
    const { repositoryMetadata } = await aws.codecommit.send(new GetRepositoryCommand({ repositoryName: REPOSITORY }));
    expect(repositoryMetadata?.repositoryDescription).toBe('x');

    const again = await runInProcess('init-repo', [initRepo], moto, { overrides: { 'repository.description': 'x' } });
    expect(again.writes).toEqual([]);
  });

  it('a changed parameter in the configuration overwrites only that parameter, in every environment', async () => {
    const run = await runInProcess('set-params', [setParams], moto, { overrides: { 'parameters.input_bucket_name': 'in-${env}-${region}' } });
    expect(run.error).toBeUndefined();
    expect(operationsOf(run.writes)).toEqual(['SSM.PutParameter', 'SSM.PutParameter']);
    const dev = await parametersUnder(aws.ssm, '/mt-pipeline/dev/');
    const prod = await parametersUnder(aws.ssm, '/mt-pipeline/prod/');
    expect(dev.get(parameterName('dev', 'input_bucket_name'))?.Value).toBe('in-dev-us-east-1');
    expect(prod.get(parameterName('prod', 'input_bucket_name'))?.Value).toBe('in-prod-us-east-1');
  });

  it('an environment-level parameter wins over the top-level one, for that environment only', async () => {
    const run = await runInProcess('set-params', [setParams], moto, {
      overrides: { environments: { dev: { parameters: { output_bucket_name: 'dev-own-${account}' } }, prod: { allowSharedAccount: true } } },
    });
    expect(run.error).toBeUndefined();
    expect(run.writes.map((call) => (call.input as { Name: string }).Name)).toEqual([OUTPUT_BUCKET]);
    const { Parameter } = await aws.ssm.send(new GetParameterCommand({ Name: OUTPUT_BUCKET }));
    expect(Parameter?.Value).toBe('dev-own-123456789012');
  });

  it('a parameter mtpipe wrote that the configuration no longer names is deleted; one it did not write is kept', async () => {
    const stale = parameterName('dev', 'old_setting');
    const foreign = parameterName('dev', 'someone_elses');
    await aws.ssm.send(
      new PutParameterCommand({
        Name: stale,
        Value: 'v',
        Type: 'String',
        Tags: [
          { Key: 'mtpipe:project', Value: 'mt-pipeline' },
          { Key: 'mtpipe:env', Value: 'dev' },
        ],
      }),
    );
    await aws.ssm.send(new PutParameterCommand({ Name: foreign, Value: 'v', Type: 'String' }));

    const dry = await runInProcess('set-params', [setParams], moto, { options: { dryRun: true } });
    expect(dry.writes).toEqual([]);
    expect(dry.stdout).toContain(`  - ssm:parameter ${stale}`);
    expect(dry.stdout).not.toContain(foreign);

    const run = await runInProcess('set-params', [setParams], moto);
    expect(run.error).toBeUndefined();
    expect(run.writes.map((call) => ({ operation: call.operation, input: call.input }))).toEqual([{ operation: 'DeleteParameter', input: { Name: stale } }]);
    const names = [...(await parametersUnder(aws.ssm, '/mt-pipeline/dev/')).keys()];
    expect(names).not.toContain(stale);
    expect(names).toContain(foreign);
    expect(names).toHaveLength(9);
  });
});

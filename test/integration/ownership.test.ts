import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { setParams } from '../../src/commands/set-params.js';
import { MtpipeError } from '../../src/errors.js';
import { NonInteractivePrompter } from '../../src/ui/prompter.js';
import { runInProcess } from '../support/harness.js';
import { resetMoto } from '../support/moto.js';
import { HF_TOKEN, parameterName, parametersUnder, parameterTags, restoreHfTokenAfterEach, setHfToken, stateClients } from '../support/aws-state.js';

const moto = inject('motoUrl');
const aws = stateClients(moto);
afterAll(() => aws.destroy());

const INPUT_BUCKET = parameterName('dev', 'input_bucket_name');
const DEV_TOKEN = parameterName('dev', 'hugging_face_token');
const PROD_TOKEN = parameterName('prod', 'hugging_face_token');

const nameOf = (input: unknown) => (input as { Name?: string; ResourceId?: string }).Name ?? (input as { ResourceId?: string }).ResourceId;

describe('ownership: mtpipe changes a resource without its tag only with --adopt', () => {
  beforeEach(() => resetMoto(moto));
  restoreHfTokenAfterEach();
  beforeEach(async () => {
    setHfToken(HF_TOKEN);
    // created by someone else: other value, no mtpipe tags
    await aws.ssm.send(new PutParameterCommand({ Name: INPUT_BUCKET, Value: 'their-bucket', Type: 'String' }));
  });

  it('refuses with exit code 2 and writes nothing', async () => {
    const run = await runInProcess('set-params', [setParams], moto);
    expect(run.error).toBeInstanceOf(MtpipeError);
    const error = run.error as MtpipeError;
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(INPUT_BUCKET);
    expect(error.message).toContain('mtpipe:project=mt-pipeline');
    expect(error.message).toContain('--adopt');
    expect(run.writes).toEqual([]);
    // the plan said so before refusing
    expect(run.stdout).toContain('exists but is not tagged as managed by mtpipe');

    const { Parameter } = await aws.ssm.send(new GetParameterCommand({ Name: INPUT_BUCKET }));
    expect(Parameter?.Value).toBe('their-bucket');
    expect(await parameterTags(aws.ssm, INPUT_BUCKET)).toEqual({});
    expect((await parametersUnder(aws.ssm, '/mt-pipeline/')).size).toBe(1);
  });

  it('with --adopt: overwrites the value and adds the tags, in two calls', async () => {
    const run = await runInProcess('set-params', [setParams], moto, { options: { adopt: true } });
    expect(run.error).toBeUndefined();
    const adopted = run.writes.filter((call) => nameOf(call.input) === INPUT_BUCKET);
    expect(adopted.map((call) => ({ operation: call.operation, input: call.input }))).toEqual([
      { operation: 'PutParameter', input: { Name: INPUT_BUCKET, Value: '***', Type: 'String', Tier: 'Standard', Overwrite: true } },
      {
        operation: 'AddTagsToResource',
        input: {
          ResourceType: 'Parameter',
          ResourceId: INPUT_BUCKET,
          Tags: [
            { Key: 'mtpipe:project', Value: '***' },
            { Key: 'mtpipe:env', Value: '***' },
          ],
        },
      },
    ]);
    expect(run.writes).toHaveLength(15 + 2);

    const { Parameter } = await aws.ssm.send(new GetParameterCommand({ Name: INPUT_BUCKET }));
    expect(Parameter?.Value).toBe('mt-pipeline-dev-input-123456789012');
    expect(await parameterTags(aws.ssm, INPUT_BUCKET)).toEqual({ 'mtpipe:project': 'mt-pipeline', 'mtpipe:env': 'dev' });

    // now owned: the next run without --adopt is content
    const again = await runInProcess('set-params', [setParams], moto);
    expect(again.error).toBeUndefined();
    expect(again.writes).toEqual([]);
  });

  it('an untagged parameter that already has the wanted value is still not ours: blocked without --adopt', async () => {
    await aws.ssm.send(new PutParameterCommand({ Name: INPUT_BUCKET, Value: 'mt-pipeline-dev-input-123456789012', Type: 'String', Overwrite: true }));
    const run = await runInProcess('set-params', [setParams], moto);
    // only the tags differ: that is still a change to someone else's parameter
    expect(run.error).toBeInstanceOf(MtpipeError);
    expect((run.error as MtpipeError).exitCode).toBe(2);
    expect(run.writes).toEqual([]);
  });
});

describe('the Hugging Face token', () => {
  beforeEach(() => resetMoto(moto));
  restoreHfTokenAfterEach();

  it('missing for a fresh account in a non-interactive run: exit code 2 naming HF_TOKEN, nothing written', async () => {
    setHfToken(undefined);
    const run = await runInProcess('set-params', [setParams], moto, { prompter: new NonInteractivePrompter() });
    expect(run.error).toBeInstanceOf(MtpipeError);
    const error = run.error as MtpipeError;
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('HF_TOKEN');
    expect(error.message).toContain(DEV_TOKEN);
    expect(error.message).toContain(PROD_TOKEN);
    expect(run.writes).toEqual([]);
    expect((await parametersUnder(aws.ssm, '/mt-pipeline/')).size).toBe(0);
  });

  it('missing, but the parameter exists: the stored token is kept and not written', async () => {
    setHfToken(HF_TOKEN);
    expect((await runInProcess('set-params', [setParams], moto)).error).toBeUndefined();
    setHfToken(undefined);

    const unchanged = await runInProcess('set-params', [setParams], moto, { prompter: new NonInteractivePrompter() });
    expect(unchanged.error).toBeUndefined();
    expect(unchanged.writes).toEqual([]);

    // with another change pending, the token is still left alone
    const run = await runInProcess('set-params', [setParams], moto, { overrides: { 'parameters.quality_estimation_sgm_topic_name': 'topic-${env}' } });
    expect(run.error).toBeUndefined();
    expect(run.writes.map((call) => nameOf(call.input)).sort()).toEqual([
      parameterName('dev', 'quality_estimation_sgm_topic_name'),
      parameterName('prod', 'quality_estimation_sgm_topic_name'),
    ]);
    for (const name of [DEV_TOKEN, PROD_TOKEN]) {
      const { Parameter } = await aws.ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
      expect(Parameter).toMatchObject({ Type: 'SecureString', Value: HF_TOKEN, Version: 1 });
    }
  });

  it('an empty HF_TOKEN counts as not given', async () => {
    setHfToken('');
    const run = await runInProcess('set-params', [setParams], moto);
    expect((run.error as MtpipeError | undefined)?.exitCode).toBe(2);
    expect(run.writes).toEqual([]);
  });
});

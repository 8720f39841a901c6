import { GetPipelineStateCommand, InvalidApprovalTokenException, PutApprovalResultCommand, type StageState } from '@aws-sdk/client-codepipeline';
import { beforeEach, describe, expect, it } from 'vitest';
import { approve } from '../../../src/commands/approve.js';
import { codepipelineMock, config, EXECUTION, PIPELINE, resetMocks, sentCommands, session, stsMock } from './fixtures.js';

beforeEach(() => resetMocks());

const TOKEN = '1a2b3c4d-0000-4000-8000-aaaaaaaaaaaa';

function state(approval: StageState['actionStates'], others: StageState[] = []): void {
  codepipelineMock.on(GetPipelineStateCommand).resolves({
    pipelineName: PIPELINE,
    stageStates: [
      ...others,
      { stageName: 'Approve-prod', actionStates: approval, latestExecution: { pipelineExecutionId: EXECUTION, status: 'InProgress' } },
      { stageName: 'Deploy-prod', actionStates: [{ actionName: 'Deploy-prod' }] },
    ],
  });
}

describe('approve', () => {
  it('finds the token of Approve-prod in GetPipelineState and approves it, naming the user from STS', async () => {
    state([{ actionName: 'Approve-prod', latestExecution: { status: 'InProgress', token: TOKEN } }]);
    codepipelineMock.on(PutApprovalResultCommand).resolves({ approvedAt: new Date() });

    const result = await approve(session().value, { env: 'prod' });

    expect(sentCommands(codepipelineMock)).toEqual([
      ['GetPipelineStateCommand', { name: PIPELINE }],
      [
        'PutApprovalResultCommand',
        {
          pipelineName: PIPELINE,
          stageName: 'Approve-prod',
          actionName: 'Approve-prod',
          result: { summary: 'Approved by arn:aws:sts::123456789012:assumed-role/Deployer/alice with mtpipe', status: 'Approved' },
          token: TOKEN,
        },
      ],
    ]);
    expect(result).toEqual({
      env: 'prod',
      pipeline: PIPELINE,
      stage: 'Approve-prod',
      action: 'Approve-prod',
      executionId: EXECUTION,
      status: 'Approved',
      summary: 'Approved by arn:aws:sts::123456789012:assumed-role/Deployer/alice with mtpipe',
    });
  });

  it('--reject --comment: Rejected with the comment as summary', async () => {
    state([{ actionName: 'Approve-prod', latestExecution: { status: 'InProgress', token: TOKEN } }]);
    codepipelineMock.on(PutApprovalResultCommand).resolves({});
    await approve(session().value, { env: 'prod', reject: true, comment: 'canary errors in dev' });
    expect(codepipelineMock).toHaveReceivedCommandWith(PutApprovalResultCommand, { result: { summary: 'canary errors in dev', status: 'Rejected' }, token: TOKEN });
  });

  it('no approval pending: exit 1 with what the stage is doing and where the pipeline is', async () => {
    codepipelineMock.on(GetPipelineStateCommand).resolves({
      stageStates: [
        { stageName: 'BuildAndTest', latestExecution: { pipelineExecutionId: 'x', status: 'InProgress' } },
        { stageName: 'Approve-prod', actionStates: [{ actionName: 'Approve-prod', latestExecution: { status: 'Succeeded' } }], latestExecution: { pipelineExecutionId: EXECUTION, status: 'Succeeded' } },
      ],
    });
    await expect(approve(session().value, { env: 'prod' })).rejects.toMatchObject({
      exitCode: 1,
      message: `no approval pending for prod: stage Approve-prod is Succeeded (execution ${EXECUTION}); the pipeline is at BuildAndTest (InProgress)`,
    });
    expect(codepipelineMock).not.toHaveReceivedCommand(PutApprovalResultCommand);

    codepipelineMock.on(GetPipelineStateCommand).resolves({ stageStates: [{ stageName: 'Approve-prod', actionStates: [{ actionName: 'Approve-prod' }] }] });
    await expect(approve(session().value, { env: 'prod' })).rejects.toMatchObject({ exitCode: 1, message: 'no approval pending for prod: stage Approve-prod has not run yet' });
  });

  it('an unknown environment: exit 2 listing the environments, before any AWS call', async () => {
    await expect(approve(session().value, { env: 'qa' })).rejects.toMatchObject({ exitCode: 2, message: 'invalid input: <env>: no environment "qa" in the configuration (known: dev, prod)' });
    expect(stsMock.calls()).toHaveLength(0);
    expect(codepipelineMock.calls()).toHaveLength(0);
  });

  it('an environment without approval: exit 2, naming those that have one', async () => {
    await expect(approve(session().value, { env: 'dev' })).rejects.toMatchObject({
      exitCode: 2,
      message: 'environment dev has no approval stage: environments.dev.approval is false',
      hint: 'environments with an approval: prod',
    });
    expect(codepipelineMock.calls()).toHaveLength(0);
  });

  it('a comment longer than PutApprovalResult allows (512): exit 2', async () => {
    await expect(approve(session().value, { env: 'prod', comment: 'x'.repeat(513) })).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('--comment') });
  });

  it('per-environment layout: the approval of prod is in prod\'s pipeline', async () => {
    codepipelineMock.on(GetPipelineStateCommand).resolves({ stageStates: [{ stageName: 'Approve-prod', actionStates: [{ actionName: 'Approve-prod', latestExecution: { status: 'InProgress', token: TOKEN } }] }] });
    codepipelineMock.on(PutApprovalResultCommand).resolves({});
    await approve(session({ config: config({ pipeline: { layout: 'per-environment' } }) }).value, { env: 'prod', comment: 'ok' });
    expect(codepipelineMock).toHaveReceivedCommandWith(GetPipelineStateCommand, { name: 'mt-pipeline-prod-pipeline' });
    expect(codepipelineMock).toHaveReceivedCommandWith(PutApprovalResultCommand, { pipelineName: 'mt-pipeline-prod-pipeline' });
  });

  it('a token that changed meanwhile: exit 1, run it again', async () => {
    state([{ actionName: 'Approve-prod', latestExecution: { status: 'InProgress', token: TOKEN } }]);
    codepipelineMock.on(PutApprovalResultCommand).rejects(new InvalidApprovalTokenException({ message: 'invalid token', $metadata: {} }));
    await expect(approve(session().value, { env: 'prod', comment: 'ok' })).rejects.toMatchObject({ exitCode: 1, code: 'approval_changed', hint: 'run mtpipe approve prod again' });
  });
});

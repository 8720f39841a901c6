import {
  BatchGetProjectsCommand,
  CreateProjectCommand,
  UpdateProjectCommand,
  type CreateProjectCommandInput,
  type Project as SdkProject,
} from '@aws-sdk/client-codebuild';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { codebuildProject, type Project, type ProjectSpec } from '../../../src/aws/codebuild-project.js';
import { testTarget } from '../../support/target.js';
import { awsError, codebuildMock, resetBuildMocks, sent } from './mock-sdk.js';
import { runThatCreated } from '../write-context.js';

const target = testTarget({ name: 'dev' });
const TAGS = { 'mtpipe:project': 'mt', 'mtpipe:env': 'dev' };
const BUILDSPEC = 'version: 0.2\nphases:\n  build:\n    commands:\n      - cdk deploy --all\n';
const ROLE = 'arn:aws:iam::123456789012:role/mtpipe/mt-deploy-dev';

const spec = (name = 'mt-cdk-deploy-dev', overrides: Partial<ProjectSpec> = {}): ProjectSpec => ({
  name,
  description: 'mtpipe (mt): cdk deploy --all to dev',
  buildspec: BUILDSPEC,
  image: 'aws/codebuild/standard:7.0',
  computeType: 'BUILD_GENERAL1_MEDIUM',
  privilegedMode: false,
  environmentVariables: { MTPIPE_ENV: 'dev', AWS_REGION: 'eu-west-1' },
  serviceRoleArn: ROLE,
  timeoutInMinutes: 60,
  queuedTimeoutInMinutes: 480,
  cacheLocation: `mt-artifacts/cache/${name}`,
  logGroupName: `/aws/codebuild/${name}`,
  tags: TAGS,
  ...overrides,
});

/** The exact request body of CreateProject and UpdateProject for spec(). */
const BODY = {
  name: 'mt-cdk-deploy-dev',
  description: 'mtpipe (mt): cdk deploy --all to dev',
  source: { type: 'CODEPIPELINE', buildspec: BUILDSPEC },
  artifacts: { type: 'CODEPIPELINE' },
  environment: {
    type: 'LINUX_CONTAINER',
    image: 'aws/codebuild/standard:7.0',
    computeType: 'BUILD_GENERAL1_MEDIUM',
    privilegedMode: false,
    imagePullCredentialsType: 'CODEBUILD',
    environmentVariables: [
      { name: 'AWS_REGION', value: 'eu-west-1', type: 'PLAINTEXT' },
      { name: 'MTPIPE_ENV', value: 'dev', type: 'PLAINTEXT' },
    ],
  },
  serviceRole: ROLE,
  timeoutInMinutes: 60,
  queuedTimeoutInMinutes: 480,
  cache: { type: 'S3', location: 'mt-artifacts/cache/mt-cdk-deploy-dev' },
  logsConfig: { cloudWatchLogs: { status: 'ENABLED', groupName: '/aws/codebuild/mt-cdk-deploy-dev' }, s3Logs: { status: 'DISABLED' } },
} satisfies CreateProjectCommandInput;

/** A project as BatchGetProjects returns it after CreateProject(BODY), with the fields CodeBuild adds. */
const stored = (name = 'mt-cdk-deploy-dev', overrides: Partial<SdkProject> = {}): SdkProject => ({
  ...BODY,
  name,
  arn: `arn:aws:codebuild:us-east-1:123456789012:project/${name}`,
  cache: { type: 'S3', location: `mt-artifacts/cache/${name}` },
  logsConfig: { cloudWatchLogs: { status: 'ENABLED', groupName: `/aws/codebuild/${name}` }, s3Logs: { status: 'DISABLED', encryptionDisabled: false } },
  encryptionKey: 'arn:aws:kms:us-east-1:123456789012:alias/aws/s3',
  badge: { badgeEnabled: false },
  tags: [
    { key: 'mtpipe:project', value: 'mt' },
    { key: 'mtpipe:env', value: 'dev' },
  ],
  ...overrides,
});

async function current(project: SdkProject): Promise<Project> {
  codebuildMock.on(BatchGetProjectsCommand).resolves({ projects: [project] });
  const found = await codebuildProject.find(target, spec(project.name));
  codebuildMock.reset();
  return found!;
}

beforeEach(() => resetBuildMocks());

describe('codebuildProject.findMany', () => {
  it('reads 150 projects in two BatchGetProjects calls (at most 100 names), in order; missing ones are undefined', async () => {
    const specs = Array.from({ length: 150 }, (_, i) => spec(`mt-p${i}`));
    codebuildMock.on(BatchGetProjectsCommand).callsFake((input: { names: string[] }) => ({
      projects: input.names.filter((name) => name !== 'mt-p3' && name !== 'mt-p120').map((name) => stored(name)),
      projectsNotFound: input.names.filter((name) => name === 'mt-p3' || name === 'mt-p120'),
    }));

    const found = await codebuildProject.findMany!(target, specs);

    expect(sent(codebuildMock)).toStrictEqual([
      ['BatchGetProjectsCommand', { names: specs.slice(0, 100).map((s) => s.name) }],
      ['BatchGetProjectsCommand', { names: specs.slice(100).map((s) => s.name) }],
    ]);
    expect(found.map((p) => p?.name)).toStrictEqual(specs.map((s) => (s.name === 'mt-p3' || s.name === 'mt-p120' ? undefined : s.name)));
    expect(found[0]).toMatchObject({ arn: 'arn:aws:codebuild:us-east-1:123456789012:project/mt-p0', tags: TAGS });
  });
});

describe('codebuildProject.diff', () => {
  it('finds nothing to change in a project as created, whatever CodeBuild added or the order of variables', async () => {
    const project = await current(stored('mt-cdk-deploy-dev', { environment: { ...BODY.environment, environmentVariables: [...BODY.environment.environmentVariables].reverse() } }));
    expect(codebuildProject.diff(project, spec())).toEqual([]);
  });

  it('shows a changed buildspec line by line, and every other owned field that drifted', async () => {
    const project = await current(
      stored('mt-cdk-deploy-dev', {
        source: { type: 'CODEPIPELINE', buildspec: BUILDSPEC.replace('--all', '--all --verbose') },
        environment: { ...BODY.environment, privilegedMode: true },
        timeoutInMinutes: 30,
        cache: { type: 'NO_CACHE' },
        tags: [{ key: 'mtpipe:project', value: 'mt' }],
      }),
    );
    const diffs = codebuildProject.diff(project, spec());
    expect(diffs.map((d) => d.field)).toEqual(['source', 'environment', 'timeoutInMinutes', 'cache', 'tags']);
    expect(diffs[0]).toEqual({
      field: 'source',
      from: { type: 'CODEPIPELINE', buildspec: BUILDSPEC.replace('--all', '--all --verbose').split('\n') },
      to: { type: 'CODEPIPELINE', buildspec: BUILDSPEC.split('\n') },
    });
  });
});

describe('codebuildProject.create', () => {
  it('sends the full project with its tags', async () => {
    codebuildMock.on(CreateProjectCommand).resolves({ project: { arn: 'arn:aws:codebuild:us-east-1:123456789012:project/mt-cdk-deploy-dev' } });
    expect(await codebuildProject.create(target, spec())).toEqual({ arn: 'arn:aws:codebuild:us-east-1:123456789012:project/mt-cdk-deploy-dev' });
    expect(sent(codebuildMock)).toStrictEqual([
      [
        'CreateProjectCommand',
        {
          ...BODY,
          tags: [
            { key: 'mtpipe:project', value: 'mt' },
            { key: 'mtpipe:env', value: 'dev' },
          ],
        },
      ],
    ]);
  });
});

/** What UpdateProject sends for spec() over stored(): BODY, with the S3 log settings carried over as read. */
const UPDATE = { ...BODY, logsConfig: { ...BODY.logsConfig, s3Logs: { status: 'DISABLED', encryptionDisabled: false } } };

describe('codebuildProject.update (UpdateProject: not in moto)', () => {
  it('sends every owned field in one UpdateProject, without tags when they are as wanted', async () => {
    const project = await current(stored('mt-cdk-deploy-dev', { timeoutInMinutes: 30 }));
    codebuildMock.on(UpdateProjectCommand).resolves({});
    await codebuildProject.update(target, spec(), project, codebuildProject.diff(project, spec()));
    expect(sent(codebuildMock)).toStrictEqual([['UpdateProjectCommand', UPDATE]]);
  });

  it("adds missing tags while keeping others' (UpdateProject replaces the whole tag list)", async () => {
    const project = await current(stored('mt-cdk-deploy-dev', { tags: [{ key: 'team', value: 'ml' }, { key: 'mtpipe:env', value: 'old' }] }));
    codebuildMock.on(UpdateProjectCommand).resolves({});
    await codebuildProject.update(target, spec(), project, codebuildProject.diff(project, spec()));
    expect(sent(codebuildMock)).toStrictEqual([
      [
        'UpdateProjectCommand',
        {
          ...UPDATE,
          tags: [
            { key: 'team', value: 'ml' },
            { key: 'mtpipe:env', value: 'dev' },
            { key: 'mtpipe:project', value: 'mt' },
          ],
        },
      ],
    ]);
  });
});

describe('settings mtpipe does not own (issue 6.3)', () => {
  /** CodeBuild adds this variable to every project it creates. */
  const AUTO_DISCOVER = { name: 'CODEBUILD_CONFIG_AUTO_DISCOVER', value: 'true', type: 'PLAINTEXT' } as const;
  const PERSON_VARIABLE = { name: 'PIP_INDEX_URL', value: '/mt/pip-index', type: 'PARAMETER_STORE' } as const;
  const withForeign = (overrides: Partial<SdkProject> = {}) =>
    stored('mt-cdk-deploy-dev', {
      environment: {
        ...BODY.environment,
        certificate: 'mt-certs/ca.pem',
        environmentVariables: [AUTO_DISCOVER, ...BODY.environment.environmentVariables, PERSON_VARIABLE],
      },
      logsConfig: {
        cloudWatchLogs: { status: 'ENABLED', groupName: '/aws/codebuild/mt-cdk-deploy-dev', streamName: 'builds' },
        s3Logs: { status: 'ENABLED', location: 'mt-audit/codebuild', encryptionDisabled: false },
      },
      cache: { type: 'S3', location: 'mt-artifacts/cache/mt-cdk-deploy-dev', cacheNamespace: 'shared' },
      vpcConfig: { vpcId: 'vpc-1', subnets: ['subnet-1'], securityGroupIds: ['sg-1'] },
      ...overrides,
    });

  it('shows no change for variables and settings CodeBuild or a person added', async () => {
    expect(codebuildProject.diff(await current(withForeign()), spec())).toEqual([]);
  });

  it('an update of an owned field sends them back as read, and leaves vpcConfig out (AWS keeps it)', async () => {
    const project = await current(withForeign({ timeoutInMinutes: 30 }));
    const diffs = codebuildProject.diff(project, spec());
    expect(diffs).toEqual([{ field: 'timeoutInMinutes', from: 30, to: 60 }]);
    codebuildMock.on(UpdateProjectCommand).resolves({});
    await codebuildProject.update(target, spec(), project, diffs);
    expect(sent(codebuildMock)).toStrictEqual([
      [
        'UpdateProjectCommand',
        {
          ...BODY,
          environment: {
            ...BODY.environment,
            certificate: 'mt-certs/ca.pem',
            environmentVariables: [...BODY.environment.environmentVariables, AUTO_DISCOVER, PERSON_VARIABLE],
          },
          cache: { type: 'S3', location: 'mt-artifacts/cache/mt-cdk-deploy-dev', cacheNamespace: 'shared' },
          logsConfig: {
            cloudWatchLogs: { status: 'ENABLED', groupName: '/aws/codebuild/mt-cdk-deploy-dev', streamName: 'builds' },
            s3Logs: { status: 'ENABLED', location: 'mt-audit/codebuild', encryptionDisabled: false },
          },
        },
      ],
    ]);
  });

  it('a variable mtpipe sets is still compared and corrected, next to the ones it does not own', async () => {
    const project = await current(
      withForeign({ environment: { ...BODY.environment, environmentVariables: [AUTO_DISCOVER, { name: 'MTPIPE_ENV', value: 'prod', type: 'PLAINTEXT' }] } }),
    );
    const [diff] = codebuildProject.diff(project, spec());
    expect(diff?.field).toBe('environment');
    expect((diff?.from as { environmentVariables: unknown }).environmentVariables).toEqual([{ name: 'MTPIPE_ENV', value: 'prod', type: 'PLAINTEXT' }]);
  });
});

describe('IAM propagation', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  const notYet = () => awsError('InvalidInputException', 400, 'CodeBuild is not authorized to perform: sts:AssumeRole on arn:aws:iam::123456789012:role/mtpipe/mt-deploy-dev');

  it('retries CreateProject while CodeBuild cannot assume the new role yet', async () => {
    codebuildMock.on(CreateProjectCommand).rejectsOnce(notYet()).rejectsOnce(notYet()).resolves({ project: {} });
    const created = codebuildProject.create(target, spec(), runThatCreated(`iam:role ${ROLE}`));
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(created).resolves.toEqual({ arn: 'arn:aws:codebuild:us-east-1:123456789012:project/mt-cdk-deploy-dev' });
    expect(codebuildMock.commandCalls(CreateProjectCommand)).toHaveLength(3);
  });

  it('retries UpdateProject the same way, and gives up after IAM_PROPAGATION_TIMEOUT_MS (2 minutes)', async () => {
    const project = await current(stored());
    codebuildMock.on(UpdateProjectCommand).rejects(notYet());
    const updated = codebuildProject.update(target, spec(), project, [], runThatCreated(`iam:role ${ROLE}`));
    const outcome = expect(updated).rejects.toThrow('not authorized to perform');
    await vi.advanceTimersByTimeAsync(121_000);
    await outcome;
    const attempts = codebuildMock.commandCalls(UpdateProjectCommand).length;
    expect(attempts).toBeGreaterThan(5);
    expect(attempts).toBeLessThan(20);
  });

  it('fails at once when the role was not created in this run', async () => {
    codebuildMock.on(CreateProjectCommand).rejects(notYet());
    await expect(codebuildProject.create(target, spec(), runThatCreated('iam:role arn:aws:iam::123456789012:role/other'))).rejects.toThrow('not authorized to perform');
    expect(codebuildMock.commandCalls(CreateProjectCommand)).toHaveLength(1);
  });

  it('does not retry other errors', async () => {
    codebuildMock.on(CreateProjectCommand).rejects(awsError('InvalidInputException', 400, 'Invalid cache: bucket does not exist'));
    await expect(codebuildProject.create(target, spec())).rejects.toThrow('bucket does not exist');
    expect(codebuildMock.commandCalls(CreateProjectCommand)).toHaveLength(1);
  });
});

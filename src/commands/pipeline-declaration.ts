/** The CodePipeline declaration of a pipeline, built from the configuration by pure functions. */
import type { ActionDeclaration, PipelineDeclaration, StageDeclaration } from '@aws-sdk/client-codepipeline';
import { CONNECTION_PLACEHOLDER } from '../aws/codepipeline-pipeline.js';
import { artifactBucketName, projectNames, roleArn, roleNames } from '../config/resource-names.js';
import type { Config } from '../config/schema.js';

/** Where the pipeline lives: the tool account and region. */
export interface PipelinePlace {
  partition: string;
  account: string;
  region: string;
}

export interface PipelineInputs {
  name: string;
  /** the environments this pipeline deploys to, in order */
  envs: string[];
  branch: string;
  /** SNS topic of manual approvals (when an environment of this pipeline needs one) */
  approvalTopicArn?: string;
  /** CodeConnections source: the connection's ARN, or CONNECTION_PLACEHOLDER when mtpipe creates it in this run */
  connectionArn?: string;
}

/** the BuildAndTest action's variables: what its buildspec exports (exported-variables) */
export const BUILD_NAMESPACE = 'BuildVariables';
export const SOURCE_NAMESPACE = 'SourceVariables';
const SOURCE_OUTPUT = 'SourceOutput';
const BUILD_OUTPUT = 'BuildOutput';

/** Console address of a pipeline (its executions, stage by stage). */
export function pipelineConsoleUrl(place: PipelinePlace, name: string): string {
  return `${consoleBase(place)}/codesuite/codepipeline/pipelines/${name}/view?region=${place.region}`;
}

/** The console host of a partition and region (China and GovCloud have their own). */
export function consoleBase(place: Pick<PipelinePlace, 'partition' | 'region'>): string {
  if (place.partition === 'aws-cn') return 'https://console.amazonaws.cn';
  if (place.partition === 'aws-us-gov') return 'https://console.amazonaws-us-gov.com';
  return `https://${place.region}.console.aws.amazon.com`;
}

const codeBuild = (name: string, project: string, input: string, extra: Partial<ActionDeclaration> = {}): ActionDeclaration => ({
  name,
  actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
  runOrder: 1,
  configuration: {
    ProjectName: project,
    // the commit the builds work on, so that they can tag what they produce
    EnvironmentVariables: JSON.stringify([{ name: 'SOURCE_COMMIT_ID', value: `#{${SOURCE_NAMESPACE}.CommitId}`, type: 'PLAINTEXT' }]),
  },
  inputArtifacts: [{ name: input }],
  outputArtifacts: [],
  ...extra,
});

function sourceAction(config: Config, inputs: PipelineInputs): ActionDeclaration {
  const common = { name: 'Source', runOrder: 1, inputArtifacts: [], outputArtifacts: [{ name: SOURCE_OUTPUT }], namespace: SOURCE_NAMESPACE };
  if (config.source.provider === 'codeconnections') {
    return {
      ...common,
      actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeStarSourceConnection', version: '1' },
      configuration: {
        ConnectionArn: inputs.connectionArn ?? CONNECTION_PLACEHOLDER,
        FullRepositoryId: config.source.fullRepositoryId ?? '',
        BranchName: inputs.branch,
        // full clone off: the builds get a zip of the commit
        OutputArtifactFormat: 'CODE_ZIP',
      },
    };
  }
  return {
    ...common,
    actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeCommit', version: '1' },
    configuration: {
      RepositoryName: config.repository.name,
      BranchName: inputs.branch,
      // the EventBridge rule starts the pipeline; polling as well would start it twice
      PollForSourceChanges: 'false',
      OutputArtifactFormat: 'CODE_ZIP',
    },
  };
}

function environmentStages(config: Config, place: PipelinePlace, inputs: PipelineInputs, env: string): StageDeclaration[] {
  const { project } = config;
  const stages: StageDeclaration[] = [];
  if (config.environments[env]!.approval && inputs.approvalTopicArn) {
    stages.push({
      name: `Approve-${env}`,
      actions: [
        {
          name: `Approve-${env}`,
          actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' },
          runOrder: 1,
          configuration: {
            NotificationArn: inputs.approvalTopicArn,
            CustomData: `Deploy ${project} to ${env}? Commit #{${SOURCE_NAMESPACE}.CommitId} on ${inputs.branch}: #{${SOURCE_NAMESPACE}.CommitMessage}`,
            // the build-and-test run of this commit (its id exported by the buildspec: exported-variables)
            ExternalEntityLink: `${consoleBase(place)}/codesuite/codebuild/projects/${projectNames.buildAndTest(project)}/build/#{${BUILD_NAMESPACE}.MTPIPE_BUILD_ID}/?region=${place.region}`,
          },
          inputArtifacts: [],
          outputArtifacts: [],
        },
      ],
    });
  }
  stages.push(
    { name: `Deploy-${env}`, actions: [codeBuild(`Deploy-${env}`, projectNames.cdkDeploy(project, env), BUILD_OUTPUT)] },
    { name: `Test-${env}`, actions: [codeBuild(`Test-${env}`, projectNames.integrationTest(project, env), BUILD_OUTPUT)] },
  );
  return stages;
}

/**
 * The whole declaration mtpipe wants: V2, artifact store the builds' bucket, the pipeline role of
 * setup-security, stages Source → BuildAndTest → per environment [Approve-<env>] → Deploy-<env> → Test-<env>.
 * A CodeConnections source starts runs with a V2 trigger on the branch; a CodeCommit source has none
 * (V2 triggers exist only for CodeStarSourceConnection: an EventBridge rule starts it instead).
 */
export function pipelineDeclaration(config: Config, place: PipelinePlace, inputs: PipelineInputs): PipelineDeclaration {
  const { project } = config;
  const stages: StageDeclaration[] = [
    { name: 'Source', actions: [sourceAction(config, inputs)] },
    {
      name: 'BuildAndTest',
      actions: [codeBuild('BuildAndTest', projectNames.buildAndTest(project), SOURCE_OUTPUT, { outputArtifacts: [{ name: BUILD_OUTPUT }], namespace: BUILD_NAMESPACE })],
    },
    ...inputs.envs.flatMap((env) => environmentStages(config, place, inputs, env)),
  ];
  return {
    name: inputs.name,
    roleArn: roleArn(place.partition, place.account, roleNames.pipeline(project)),
    artifactStore: { type: 'S3', location: artifactBucketName(config, place.account, place.region) },
    pipelineType: 'V2',
    executionMode: config.pipeline.executionMode,
    stages,
    ...(config.source.provider === 'codeconnections'
      ? { triggers: [{ providerType: 'CodeStarSourceConnection', gitConfiguration: { sourceActionName: 'Source', push: [{ branches: { includes: [inputs.branch] } }] } }] }
      : {}),
  };
}

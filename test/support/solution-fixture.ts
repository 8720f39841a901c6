/**
 * The sample solution as deployed (facts: SAMPLE.md), put into moto through CloudFormation so that
 * discovery, the smoke test and monitoring act on something shaped like the real thing: the stacks
 * DatabaseStack, SageMakerStack and WorkflowStack with the solution's ten functions (CDK logical ids,
 * generated physical names; one fixed name), the state machine, the Glue job, the asynchronous
 * endpoint named by context with its two topics, and the functions that are not the solution's: a CDK
 * custom-resource provider and the secret-rotation function in a nested stack that is no CDK
 * NestedStack. moto_ext_solution.py adds the Glue job and endpoint names moto lacks, and simulated
 * executions (see there).
 */
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ACCOUNT, REGION } from './aws-state.js';

/** The solution functions by logical id (construct id + CDK's 8-character hash), as in the stacks. */
export const WORKFLOW_FUNCTIONS = [
  'TranslationPromptGeneratorCDK',
  'CountTranslationPromptsCDK',
  'RunTranslationInferencesCDK',
  'LaunchBatchInferenceJobCDK',
  'QualityEstimationCDK',
  'QualityAssessmentCDK',
  'QualityAssessmentNotificationCDK',
  'InferenceTransformationCDK',
  'AssessmentBatchTransformation',
] as const;
export const NOTIFICATION_FUNCTION = { constructId: 'QualityEstimationNotificationLambdaCDK', name: 'QualityEstimationNotificationCDK' };
export const STATE_MACHINE = 'BatchMachineTranslationStateMachineCDK';
export const GLUE_JOB = 'translation-results-processor';
/** Functions of the stacks that are not the solution's. */
export const FRAMEWORK_FUNCTIONS = {
  customResourceProvider: 'CustomVpcRestrictDefaultSGCustomResourceProviderHandlerDC833E5E',
  secretRotation: 'SecretsManagerRDSPostgreSQLRotationSingleUser',
};

/** A definition whose start state decides what a simulated execution does (moto_ext_solution.py). */
export const definitions = {
  running: { StartAt: 'QualityEstimation', States: { QualityEstimation: { Type: 'Wait', Seconds: 86400, End: true } } },
  succeeded: { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } },
  failed: { StartAt: 'Failed', States: { Failed: { Type: 'Fail', Error: 'States.TaskFailed', Cause: 'quality estimation returned statusCode 500' } } },
};

export interface SolutionFixture {
  endpointName: string;
  topicName: string;
  stateMachineArn: string;
}

/** A hash-like suffix CDK would append (8 upper-case hex digits), stable per construct id. */
export function cdkHash(constructId: string): string {
  let hash = 0x811c9dc5;
  for (const char of constructId) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return hash.toString(16).toUpperCase().padStart(8, '0');
}

const ROLE = 'lambda-translation-role-cdk';
const TEMPLATES = 'mtpipe-fixture-templates';

/** The workflow functions' Timeout (seconds); without one a function has Lambda's default of 3. */
export const WORKFLOW_FUNCTION_TIMEOUT = 300;

function lambda(functionName?: string, timeout?: number): Record<string, unknown> {
  return {
    Type: 'AWS::Lambda::Function',
    Properties: {
      ...(functionName ? { FunctionName: functionName } : {}),
      ...(timeout ? { Timeout: timeout } : {}),
      Runtime: 'python3.13',
      Handler: 'lambda_function.lambda_handler',
      Role: `arn:aws:iam::${ACCOUNT}:role/${ROLE}`,
      Code: { ZipFile: 'def lambda_handler(event, context):\n    return {"statusCode": 200}\n' },
    },
  };
}

/**
 * Deploys the three stacks into moto (us-east-1, moto's account) and waits until they are complete.
 * `definition` is the state machine's (default: an execution keeps running until stopped).
 */
export async function deploySampleSolution(
  endpoint: string,
  options: { endpointName: string; topicName: string; definition?: object },
): Promise<SolutionFixture> {
  const config = { endpoint, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, forcePathStyle: true };
  const cloudformation = new CloudFormationClient(config);
  const iam = new IAMClient(config);
  const s3 = new S3Client(config);
  try {
    await iam.send(
      new CreateRoleCommand({
        RoleName: ROLE,
        AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
      }),
    );
    // the nested stack of the SecretsManager transform (HostedRotation): its template comes from S3
    await s3.send(new CreateBucketCommand({ Bucket: TEMPLATES }));
    await s3.send(
      new PutObjectCommand({ Bucket: TEMPLATES, Key: 'rotation.json', Body: JSON.stringify({ Resources: { [FRAMEWORK_FUNCTIONS.secretRotation]: lambda() } }) }),
    );

    const workflow: Record<string, unknown> = Object.fromEntries(WORKFLOW_FUNCTIONS.map((id) => [`${id}${cdkHash(id)}`, lambda(undefined, WORKFLOW_FUNCTION_TIMEOUT)]));
    workflow.TranslationStateMachine = {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        StateMachineName: STATE_MACHINE,
        RoleArn: `arn:aws:iam::${ACCOUNT}:role/StepFunctions_IAM_ROLE_BatchMachineTranslation`,
        DefinitionString: JSON.stringify(options.definition ?? definitions.running),
        // the sample's stack sets tracing_enabled=True (moto_ext_xray.py keeps it)
        TracingConfiguration: { Enabled: true },
      },
    };
    workflow.TranslationResultsProcessor = {
      Type: 'AWS::Glue::Job',
      Properties: { Name: GLUE_JOB, Role: 'glue-translation-processor-role', Command: { Name: 'glueetl' }, MaxRetries: 2, GlueVersion: '5.0' },
    };

    const sagemaker: Record<string, unknown> = {
      [`${NOTIFICATION_FUNCTION.constructId}${cdkHash(NOTIFICATION_FUNCTION.constructId)}`]: lambda(NOTIFICATION_FUNCTION.name),
      SageMakerAsyncSuccessTopic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: `${options.topicName}-success` } },
      SageMakerAsyncErrorTopic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: `${options.topicName}-error` } },
      QualityEstimationModel: {
        Type: 'AWS::SageMaker::Model',
        Properties: { ExecutionRoleArn: `arn:aws:iam::${ACCOUNT}:role/sagemaker`, PrimaryContainer: { Image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/qe:1` } },
      },
      QualityEstimationAsyncEndpointConfig: {
        Type: 'AWS::SageMaker::EndpointConfig',
        Properties: {
          ProductionVariants: [
            { VariantName: 'AllTraffic', ModelName: { 'Fn::GetAtt': ['QualityEstimationModel', 'ModelName'] }, InstanceType: 'ml.g4dn.xlarge', InitialInstanceCount: 1 },
          ],
        },
      },
      QualityEstimationAsyncEndpoint: {
        Type: 'AWS::SageMaker::Endpoint',
        Properties: { EndpointName: options.endpointName, EndpointConfigName: { 'Fn::GetAtt': ['QualityEstimationAsyncEndpointConfig', 'EndpointConfigName'] } },
      },
    };

    const database: Record<string, unknown> = {
      [FRAMEWORK_FUNCTIONS.customResourceProvider]: lambda(),
      AuroraCredentialsRotationSchedule: {
        Type: 'AWS::CloudFormation::Stack',
        Properties: { TemplateURL: `https://${TEMPLATES}.s3.amazonaws.com/rotation.json` },
      },
    };

    for (const [name, resources] of [
      ['DatabaseStack', database],
      ['SageMakerStack', sagemaker],
      ['WorkflowStack', workflow],
    ] as const) {
      await cloudformation.send(new CreateStackCommand({ StackName: name, TemplateBody: JSON.stringify({ Resources: resources }) }));
      const { Stacks } = await cloudformation.send(new DescribeStacksCommand({ StackName: name }));
      if (Stacks?.[0]?.StackStatus !== 'CREATE_COMPLETE') throw new Error(`fixture: stack ${name} is ${Stacks?.[0]?.StackStatus}`);
    }
    return {
      endpointName: options.endpointName,
      topicName: options.topicName,
      stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${STATE_MACHINE}`,
    };
  } finally {
    cloudformation.destroy();
    iam.destroy();
    s3.destroy();
  }
}

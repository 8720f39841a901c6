/** Predicates over SDK errors: the only place that knows AWS error names. */
interface SdkErrorShape {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

function shape(error: unknown): SdkErrorShape {
  return typeof error === 'object' && error !== null ? (error as SdkErrorShape) : {};
}

export function errorName(error: unknown): string {
  return shape(error).name ?? '';
}

function named(...names: string[]): (error: unknown) => boolean {
  return (error) => names.includes(errorName(error));
}

export const isRepositoryNotFound = named('RepositoryDoesNotExistException');
export const isApprovalRuleTemplateNotFound = named('ApprovalRuleTemplateDoesNotExistException');
export const isIamNotFound = named('NoSuchEntityException', 'NoSuchEntity');
export const isParameterNotFound = named('ParameterNotFound');
/** Secrets Manager: no such secret, or (GetSecretValue) no version with the AWSCURRENT label */
export const isSecretsManagerNotFound = named('ResourceNotFoundException');
/** Lambda: no such function, version or alias. */
export const isLambdaNotFound = named('ResourceNotFoundException');
/** Lambda PublishVersion while an update of the function's code or configuration is still being applied. */
export const isLambdaUpdateInProgress = named('ResourceConflictException');
export const isApplicationNotFound = named('ApplicationDoesNotExistException');
/** CodeDeploy: no such deployment group, or no such application to hold it */
export const isDeploymentGroupNotFound = named('DeploymentGroupDoesNotExistException', 'ApplicationDoesNotExistException');
/** ECR: no such repository; no lifecycle policy or repository policy set; CreateRepository of one that exists */
export const isEcrRepositoryNotFound = named('RepositoryNotFoundException');
export const isEcrLifecyclePolicyNotFound = named('LifecyclePolicyNotFoundException');
export const isEcrRepositoryPolicyNotFound = named('RepositoryPolicyNotFoundException');
/** S3 HeadBucket: no such bucket */
export const isBucketNotFound = named('NotFound', 'NoSuchBucket');
/** S3 reports each bucket setting that was never configured as an error of its own. */
export const isPublicAccessBlockNotFound = named('NoSuchPublicAccessBlockConfiguration');
export const isBucketEncryptionNotFound = named('ServerSideEncryptionConfigurationNotFoundError');
export const isLifecycleConfigurationNotFound = named('NoSuchLifecycleConfiguration');
export const isOwnershipControlsNotFound = named('OwnershipControlsNotFoundError');
export const isBucketPolicyNotFound = named('NoSuchBucketPolicy');
export const isBucketTagSetNotFound = named('NoSuchTagSet');

/** CloudFormation ListStackResources on a missing stack: ValidationError "Stack with id X does not exist". */
export function isStackNotFound(error: unknown): boolean {
  const { message } = shape(error);
  return errorName(error) === 'ValidationError' && typeof message === 'string' && /does not exist/.test(message);
}

/** No credentials could be found by the provider chain (not: credentials that AWS rejects). */
export function isMissingCredentials(error: unknown): boolean {
  return errorName(error) === 'CredentialsProviderError' || /Could not load credentials/i.test(shape(error).message ?? '');
}

/** The connection itself failed (nothing listens there, or the host name does not resolve): no AWS answer at all. */
export function isConnectionFailure(error: unknown): boolean {
  const codes = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ECONNRESET'];
  const code = (value: unknown) => (typeof value === 'object' && value !== null ? (value as { code?: unknown }).code : undefined);
  return codes.includes(String(code(error))) || codes.includes(String(code((error as { cause?: unknown } | undefined)?.cause)));
}

/**
 * IAM changes take seconds to reach other services. These are the errors that mean
 * "the role or policy you just created is not visible yet" (see ../shared/AWS-FACTS.md).
 */
export const propagation = {
  /** IAM's NoSuchEntity about `name` (a policy ARN, a role or group name): its message names what is missing */
  iamNotFoundNaming: (error: unknown, name: string) => isIamNotFound(error) && (shape(error).message ?? '').includes(name),
  /** a policy or group created moments ago, read or attached before IAM shows it */
  iamEntityNotVisibleYet: isIamNotFound,
  codebuildCannotAssumeRole: (error: unknown) =>
    errorName(error) === 'InvalidInputException' && /ot authorized to perform/.test(shape(error).message ?? ''),
  codepipelineCannotAssumeRole: (error: unknown) =>
    errorName(error) === 'InvalidStructureException' && /not authorized/.test(shape(error).message ?? ''),
  codedeployInvalidRole: named('InvalidRoleException'),
  eventsCannotAssumeRole: (error: unknown) =>
    errorName(error) === 'ValidationException' && /cannot be assumed by principal/.test(shape(error).message ?? ''),
};

/**
 * What a create answers when the resource exists already. After mtpipe's own create this is mostly its
 * first attempt, whose response was lost, met by the SDK's retry (see ../shared/AWS-FACTS.md): the engine
 * then reads the resource again and converges it.
 */
export const alreadyExists = {
  codecommitRepository: named('RepositoryNameExistsException'),
  codecommitApprovalRuleTemplate: named('ApprovalRuleTemplateNameAlreadyExistsException'),
  codebuildProject: named('ResourceAlreadyExistsException'),
  codedeployApplication: named('ApplicationAlreadyExistsException'),
  codedeployDeploymentGroup: named('DeploymentGroupAlreadyExistsException'),
  /** IAM's error code is EntityAlreadyExists; SDK v3 names the error EntityAlreadyExistsException */
  iamEntity: named('EntityAlreadyExistsException', 'EntityAlreadyExists'),
  logGroup: named('ResourceAlreadyExistsException'),
  /** only outside us-east-1: there CreateBucket of a bucket you own succeeds again. BucketAlreadyExists is another account's. */
  s3Bucket: named('BucketAlreadyOwnedByYou'),
  secretsManagerSecret: named('ResourceExistsException'),
  /** PutParameter without Overwrite (the create: only it may carry Tags) */
  ssmParameter: named('ParameterAlreadyExists'),
  /** Lambda CreateAlias: "Alias already exists: <arn>" (ResourceConflictException also means "an update is in progress") */
  lambdaAlias: (error: unknown) => errorName(error) === 'ResourceConflictException' && /already exists/i.test(shape(error).message ?? ''),
  /** CodePipeline CreatePipeline: a pipeline of that name exists */
  codepipelinePipeline: named('PipelineNameInUseException'),
  /** KMS CreateAlias: the alias exists (CreateKey itself always makes a new key) */
  kmsAlias: named('AlreadyExistsException'),
  ecrRepository: named('RepositoryAlreadyExistsException'),
};

/**
 * Errors that mean "try again in a moment" which the SDK's standard retry strategy does not retry (it
 * knows throttling and transient codes only). mtpipe retries them for every write (clients.ts).
 * Lambda's update-in-progress conflict is not among them: PublishVersion, where it happens, waits for it
 * with a deadline of its own (lambda-alias.ts), and one layer of retries is enough.
 */
export const transient = {
  /** SSM PutParameter and friends during a burst of writes to Parameter Store */
  ssmTooManyUpdates: named('TooManyUpdates'),
  /** IAM: another change to the same entity is in progress (HTTP 409, code ConcurrentModification) */
  iamConcurrentModification: named('ConcurrentModificationException', 'ConcurrentModification'),
  /** CodePipeline UpdatePipeline, EventBridge PutRule/PutTargets (and IAM, named alike in SDK v3) */
  concurrentModificationException: named('ConcurrentModificationException'),
  /** S3: a conflicting operation on the same bucket is in progress */
  s3OperationAborted: named('OperationAborted'),
  /** CloudWatch Logs: concurrent requests to update the same log group were in conflict */
  logsOperationAborted: named('OperationAbortedException'),
};

/** True for the errors of `transient`: worth the same request again after a pause. */
export function isTransientConflict(error: unknown): boolean {
  return Object.values(transient).some((is) => is(error));
}

/** CodePipeline GetPipeline: no such pipeline. */
export const isPipelineNotFound = named('PipelineNotFoundException');
/** SNS GetTopicAttributes: no such topic (query error code "NotFound"). */
export const isTopicNotFound = named('NotFoundException', 'NotFound');
/** KMS DescribeKey of an alias that does not exist. */
export const isKmsNotFound = named('NotFoundException');
/** EventBridge DescribeRule: no such rule. */
export const isRuleNotFound = named('ResourceNotFoundException');
/** CodeConnections (CodeStar Connections) GetConnection: no such connection. */
export const isConnectionNotFound = named('ResourceNotFoundException');

/**
 * The answer of `read`, or undefined when it fails with an error `isAbsent` recognises (a setting or
 * resource AWS reports as a specific "not found" error); any other error propagates.
 */
export async function unlessAbsent<T>(read: Promise<T>, isAbsent: (error: unknown) => boolean): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (isAbsent(error)) return undefined;
    throw error;
  }
}

// --- CodeCommit commits through the API (mtpipe push, bootstrap's test commit) ---
/** GetBranch/CreateCommit: no such branch (an empty repository has none). */
export const isBranchNotFound = named('BranchDoesNotExistException');
/** CreateCommit: parentCommitId is no longer the branch's tip (someone pushed, or a retried commit already went in). */
export const isParentCommitOutdated = named('ParentCommitIdOutdatedException');
/** CreateCommit over one of CodeCommit's limits of a commit made through the API. */
export const isCommitLimitExceeded = named('FileContentSizeLimitExceededException', 'FolderContentSizeLimitExceededException', 'MaximumFileEntriesExceededException', 'FileTooLargeException');

// --- pipeline executions (run, watch, approve) ---
/** CodePipeline GetPipelineExecution / ListActionExecutions: no execution of that id in the pipeline. */
export const isPipelineExecutionNotFound = named('PipelineExecutionNotFoundException');
/** PutApprovalResult: the token is not the pending approval's (another execution reached it meanwhile). */
export const isInvalidApprovalToken = named('InvalidApprovalTokenException');
/** PutApprovalResult: somebody answered the approval first. */
export const isApprovalAlreadyCompleted = named('ApprovalAlreadyCompletedException');

// destroy: what a delete meets when the resource is gone already, or going
/** CloudWatch Logs DeleteLogGroup: no such log group. */
export const isLogGroupNotFound = named('ResourceNotFoundException');
/** KMS ScheduleKeyDeletion of a key that is pending deletion already (or disabled by another). */
export const isKmsInvalidState = named('KMSInvalidStateException');
/** CodeCommit: no such template, or (disassociate) no such repository any more */
export const isApprovalTemplateOrRepositoryNotFound = named('ApprovalRuleTemplateDoesNotExistException', 'RepositoryDoesNotExistException');

// ---- setup-monitoring: X-Ray groups, tracing -------------------------------------------------------

/** X-Ray GetGroup/DeleteGroup of a group that does not exist: InvalidRequestException "Group not found". */
export function isXrayGroupNotFound(error: unknown): boolean {
  return errorName(error) === 'InvalidRequestException' && /group not found/i.test(shape(error).message ?? '');
}
/** X-Ray CreateGroup of a name that exists: InvalidRequestException "Group already exists". */
export function isXrayGroupAlreadyExists(error: unknown): boolean {
  return errorName(error) === 'InvalidRequestException' && /already exists/i.test(shape(error).message ?? '');
}
/** Step Functions DescribeStateMachine: no such state machine. */
export const isStateMachineNotFound = named('StateMachineDoesNotExist');
/**
 * Lambda UpdateFunctionConfiguration with active tracing while the function's role may not write traces
 * (yet): InvalidParameterValueException "The provided execution role does not have permissions to call
 * PutTraceSegments on XRAY". Retried only while a policy attached in this run propagates.
 */
export function isLambdaTracingNotPermitted(error: unknown): boolean {
  return errorName(error) === 'InvalidParameterValueException' && /PutTraceSegments/.test(shape(error).message ?? '');
}

// ---- dashboards (setup-monitoring) ----
/** CloudWatch GetDashboard: no such dashboard (query error code ResourceNotFound, shape DashboardNotFoundError). */
export const isDashboardNotFound = named('DashboardNotFoundError', 'ResourceNotFound');
/** CloudWatch Logs PutResourcePolicy: the region holds 10 resource policies already (the limit). */
export const isLogsLimitExceeded = named('LimitExceededException');

// IAM bulk read (src/aws/iam-snapshot.ts)
/** The caller may not list the account's IAM state (iam:GetAccountAuthorizationDetails or iam:ListRoles). */
export const isIamBulkReadDenied = named('AccessDenied', 'AccessDeniedException');

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
export const isEcrRepositoryAlreadyExists = named('RepositoryAlreadyExistsException');
/** S3 CreateBucket of a bucket this account already has (a create whose first answer was lost) */
export const isBucketAlreadyOwnedByYou = named('BucketAlreadyOwnedByYou');
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

/**
 * IAM changes take seconds to reach other services. These are the errors that mean
 * "the role or policy you just created is not visible yet" (see ../shared/AWS-FACTS.md).
 */
export const propagation = {
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

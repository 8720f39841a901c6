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

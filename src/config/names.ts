/**
 * AWS naming rules that mtpipe checks before any call (see ../shared/AWS-FACTS.md).
 * Each rule carries the sentence shown to the user when it is broken.
 */
export interface NameRule {
  pattern: RegExp;
  min: number;
  max: number;
  rule: string;
}

export const names = {
  /** prefix of every resource name: also ends up in S3 bucket names, so lower case only */
  project: {
    pattern: /^(?!aws|ssm)[a-z][a-z0-9-]*[a-z0-9]$/,
    min: 2,
    max: 30,
    rule: '2-30 characters: lower-case letters, digits and hyphens, starting with a letter, not ending with a hyphen, not starting with "aws" or "ssm"',
  },
  environment: {
    pattern: /^(?!shared$)[a-z][a-z0-9-]*$/,
    min: 1,
    max: 20,
    rule: '1-20 characters: lower-case letters, digits and hyphens, starting with a letter; "shared" is reserved',
  },
  codecommitRepository: {
    pattern: /^(?!.*\.git$)[\w.-]+$/,
    min: 1,
    max: 100,
    rule: '1-100 characters: letters, digits, ".", "_" and "-", not ending in ".git"',
  },
  ssmParameterName: {
    pattern: /^[a-zA-Z0-9_.-]+$/,
    min: 1,
    max: 100,
    rule: 'letters, digits, "_", "." and "-"',
  },
} satisfies Record<string, NameRule>;

export const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
export const AWS_ACCOUNT = /^\d{12}$/;
export const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** SSM: a value must be 1 to 4096 characters in the Standard tier. */
export const SSM_STANDARD_VALUE_MAX = 4096;

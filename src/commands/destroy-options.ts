// No imports: src/cli.ts loads this at start-up to build the command line, without the AWS SDK.

/** The flags of `mtpipe destroy` (global ones aside), declared once: src/cli.ts builds the command line from them. */
export const DESTROY_OPTIONS = [
  {
    flags: '--include-data',
    description: "also delete the repository, the artifact bucket, the ECR repository with its images and the solution's input and output buckets",
  },
] as const;

/** The parsed flags of `mtpipe destroy`. */
export interface DestroyFlags {
  includeData?: boolean;
}

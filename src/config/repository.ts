/** Names and rule content derived from the repository settings; pure, so the schema can check them. */

/** The rule content of an approval rule template (CodeCommit's 2018-11-08 format). */
export interface ApprovalRuleContent {
  Version: '2018-11-08';
  DestinationReferences: string[];
  Statements: { Type: 'Approvers'; NumberOfApprovalsNeeded: number; ApprovalPoolMembers?: string[] }[];
}

export function approvalRuleContent(branch: string, approvals: number, approvers: string[]): ApprovalRuleContent {
  return {
    Version: '2018-11-08',
    DestinationReferences: [`refs/heads/${branch}`],
    Statements: [
      { Type: 'Approvers', NumberOfApprovalsNeeded: approvals, ...(approvers.length ? { ApprovalPoolMembers: approvers } : {}) },
    ],
  };
}

export function repositoryResourceNames(project: string, branch: string) {
  const branchSlug = branch.replace(/[^\w-]/g, '-');
  return {
    template: `${project}-${branchSlug}-approvals`,
    protectPolicy: `${project}-protect-${branchSlug}`,
    developers: `${project}-developers`,
    developerPolicy: `${project}-repository-access`,
  };
}

/** AWS limits on what the names and content above become (CodeCommit and IAM API references). */
export const DERIVED_LIMITS = {
  template: { max: 100, what: 'CodeCommit approval rule template name' },
  protectPolicy: { max: 128, what: 'IAM policy name' },
  developers: { max: 128, what: 'IAM group name' },
  developerPolicy: { max: 128, what: 'IAM policy name' },
  content: { max: 3000, what: 'approval rule template content' },
} as const;

/** Problems with names or content that the settings would produce, each with the setting to change. */
export function derivedProblems(project: string, branch: string, approvals: number, approvers: string[]): { key: string; message: string }[] {
  const problems: { key: string; message: string }[] = [];
  const names = repositoryResourceNames(project, branch);
  for (const [name, value] of Object.entries(names) as [keyof typeof names, string][]) {
    const limit = DERIVED_LIMITS[name];
    if (value.length > limit.max) {
      problems.push({
        key: 'repository.branch',
        message: `too long: the ${limit.what} "${value.slice(0, 40)}…" would have ${value.length} characters (at most ${limit.max})`,
      });
    }
  }
  const content = JSON.stringify(approvalRuleContent(branch, approvals, approvers)).length;
  if (content > DERIVED_LIMITS.content.max) {
    problems.push({
      key: 'repository.approvers',
      message: `too many or too long: the ${DERIVED_LIMITS.content.what} would have ${content} characters (at most ${DERIVED_LIMITS.content.max})`,
    });
  }
  return problems;
}

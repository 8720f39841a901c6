import {
  ApprovalRuleTemplateDoesNotExistException,
  AssociateApprovalRuleTemplateWithRepositoryCommand,
  CreateApprovalRuleTemplateCommand,
  GetApprovalRuleTemplateCommand,
  ListAssociatedApprovalRuleTemplatesForRepositoryCommand,
  UpdateApprovalRuleTemplateContentCommand,
  UpdateApprovalRuleTemplateDescriptionCommand,
} from '@aws-sdk/client-codecommit';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  approvalRuleContent,
  approvalRuleTemplate,
  approvalTemplateAssociation,
  type ApprovalTemplateSpec,
} from '../../../src/aws/codecommit-approval-template.js';
import { testTarget } from '../../support/target.js';
import { codecommitMock, resetSdkMocks, sentCommands } from './mock-sdk.js';
import { indexHolds } from './tag-index-mock.js';

// CreateApprovalRuleTemplate, UpdateApprovalRuleTemplate* and the association calls are missing from moto:
// these unit tests are their only check.
const target = testTarget();
const APPROVER = 'arn:aws:sts::123456789012:assumed-role/CodeCommitReview/*';
const TEMPLATE = 'mt-main-approvals';
const DESCRIPTION = 'mtpipe (mt): 2 approval(s) for pull requests into main';

const spec: ApprovalTemplateSpec = { name: TEMPLATE, description: DESCRIPTION, content: approvalRuleContent('main', 2, [APPROVER]) };

/** The template as GetApprovalRuleTemplate returns it. */
function stored(content: unknown, description = DESCRIPTION, sha = 'sha-of-stored-content') {
  return {
    approvalRuleTemplate: {
      approvalRuleTemplateName: TEMPLATE,
      approvalRuleTemplateDescription: description,
      approvalRuleTemplateContent: JSON.stringify(content),
      ruleContentSha256: sha,
    },
  };
}

beforeEach(() => {
  resetSdkMocks();
  indexHolds([target]);
});

describe('approvalRuleContent', () => {
  it('follows the CodeCommit 2018-11-08 format, without a pool when no approvers are given', () => {
    const content = approvalRuleContent('main', 1, []);
    expect(content).toStrictEqual({
      Version: '2018-11-08',
      DestinationReferences: ['refs/heads/main'],
      Statements: [{ Type: 'Approvers', NumberOfApprovalsNeeded: 1 }],
    });
    expect(content.Statements[0]).not.toHaveProperty('ApprovalPoolMembers');
  });

  it('names the approval pool when approvers are given', () => {
    expect(approvalRuleContent('release/1.x', 3, [APPROVER]).Statements).toStrictEqual([
      { Type: 'Approvers', NumberOfApprovalsNeeded: 3, ApprovalPoolMembers: [APPROVER] },
    ]);
    expect(approvalRuleContent('release/1.x', 3, []).DestinationReferences).toStrictEqual(['refs/heads/release/1.x']);
  });
});

describe('approvalRuleTemplate.create', () => {
  it('sends the exact input, with the content as a 2018-11-08 JSON string', async () => {
    codecommitMock.on(CreateApprovalRuleTemplateCommand).resolves({});

    await expect(approvalRuleTemplate.create(target, spec)).resolves.toStrictEqual({});
    const calls = codecommitMock.commandCalls(CreateApprovalRuleTemplateCommand);
    expect(codecommitMock.calls()).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(Object.keys(input).sort()).toStrictEqual([
      'approvalRuleTemplateContent',
      'approvalRuleTemplateDescription',
      'approvalRuleTemplateName',
    ]);
    expect(input.approvalRuleTemplateName).toBe(TEMPLATE);
    expect(input.approvalRuleTemplateDescription).toBe(DESCRIPTION);
    expect(typeof input.approvalRuleTemplateContent).toBe('string');
    expect(JSON.parse(input.approvalRuleTemplateContent!)).toStrictEqual({
      Version: '2018-11-08',
      DestinationReferences: ['refs/heads/main'],
      Statements: [{ Type: 'Approvers', NumberOfApprovalsNeeded: 2, ApprovalPoolMembers: [APPROVER] }],
    });
  });

  it('sends no ApprovalPoolMembers when there are no approvers', async () => {
    codecommitMock.on(CreateApprovalRuleTemplateCommand).resolves({});

    await approvalRuleTemplate.create(target, { ...spec, content: approvalRuleContent('main', 1, []) });
    const content = codecommitMock.commandCalls(CreateApprovalRuleTemplateCommand)[0]!.args[0].input.approvalRuleTemplateContent!;
    expect(JSON.parse(content)).toStrictEqual({
      Version: '2018-11-08',
      DestinationReferences: ['refs/heads/main'],
      Statements: [{ Type: 'Approvers', NumberOfApprovalsNeeded: 1 }],
    });
  });
});

describe('approvalRuleTemplate.find and diff', () => {
  it('parses the stored content and keeps its SHA-256', async () => {
    codecommitMock.on(GetApprovalRuleTemplateCommand).resolves(stored(spec.content));

    await expect(approvalRuleTemplate.find(target, spec)).resolves.toStrictEqual({
      name: TEMPLATE,
      description: DESCRIPTION,
      content: spec.content,
      contentSha256: 'sha-of-stored-content',
    });
    expect(codecommitMock).toHaveReceivedCommandExactlyOnceWith(GetApprovalRuleTemplateCommand, { approvalRuleTemplateName: TEMPLATE });
  });

  it('returns undefined when the template does not exist, and rethrows other errors', async () => {
    codecommitMock
      .on(GetApprovalRuleTemplateCommand)
      .rejectsOnce(new ApprovalRuleTemplateDoesNotExistException({ message: 'not found', $metadata: {} }))
      .rejectsOnce(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));

    await expect(approvalRuleTemplate.find(target, spec)).resolves.toBeUndefined();
    await expect(approvalRuleTemplate.find(target, spec)).rejects.toThrow('throttled');
  });

  it('finds no difference when AWS returns the same content with keys in another order', async () => {
    const reordered = {
      Statements: [{ ApprovalPoolMembers: [APPROVER], NumberOfApprovalsNeeded: 2, Type: 'Approvers' }],
      DestinationReferences: ['refs/heads/main'],
      Version: '2018-11-08',
    };
    codecommitMock.on(GetApprovalRuleTemplateCommand).resolves(stored(reordered));

    const current = await approvalRuleTemplate.find(target, spec);
    expect(approvalRuleTemplate.diff(current, spec)).toStrictEqual([]);
  });

  it('reports a changed number of approvals as a content change', async () => {
    codecommitMock.on(GetApprovalRuleTemplateCommand).resolves(stored(approvalRuleContent('main', 1, [APPROVER])));

    const current = await approvalRuleTemplate.find(target, spec);
    expect(approvalRuleTemplate.diff(current, spec).map((d) => d.field)).toStrictEqual(['content']);
  });
});

describe('approvalRuleTemplate.update', () => {
  beforeEach(() => {
    codecommitMock.on(UpdateApprovalRuleTemplateContentCommand).resolves({});
    codecommitMock.on(UpdateApprovalRuleTemplateDescriptionCommand).resolves({});
  });

  it('passes the SHA-256 from the read as existingRuleContentSha256', async () => {
    codecommitMock.on(GetApprovalRuleTemplateCommand).resolves(stored(approvalRuleContent('main', 1, []), DESCRIPTION, 'abc123'));
    const current = (await approvalRuleTemplate.find(target, spec))!;

    await approvalRuleTemplate.update(target, spec, current, approvalRuleTemplate.diff(current, spec));
    const updates = codecommitMock.commandCalls(UpdateApprovalRuleTemplateContentCommand);
    expect(updates).toHaveLength(1);
    const input = updates[0]!.args[0].input;
    expect(input).toStrictEqual({
      approvalRuleTemplateName: TEMPLATE,
      newRuleContent: JSON.stringify(spec.content),
      existingRuleContentSha256: 'abc123',
    });
    expect(JSON.parse(input.newRuleContent!)).toStrictEqual(spec.content);
    expect(codecommitMock).not.toHaveReceivedCommand(UpdateApprovalRuleTemplateDescriptionCommand);
  });

  it('updates only the description when only it differs', async () => {
    codecommitMock.on(GetApprovalRuleTemplateCommand).resolves(stored(spec.content, 'old description'));
    const current = (await approvalRuleTemplate.find(target, spec))!;
    codecommitMock.resetHistory();

    await approvalRuleTemplate.update(target, spec, current, approvalRuleTemplate.diff(current, spec));
    expect(sentCommands(codecommitMock)).toStrictEqual([
      ['UpdateApprovalRuleTemplateDescriptionCommand', { approvalRuleTemplateName: TEMPLATE, approvalRuleTemplateDescription: DESCRIPTION }],
    ]);
  });

  it('sends nothing when nothing differs', async () => {
    codecommitMock.on(GetApprovalRuleTemplateCommand).resolves(stored(spec.content));
    const current = (await approvalRuleTemplate.find(target, spec))!;
    codecommitMock.resetHistory();

    await approvalRuleTemplate.update(target, spec, current, approvalRuleTemplate.diff(current, spec));
    expect(codecommitMock.calls()).toHaveLength(0);
  });
});

describe('approvalTemplateAssociation', () => {
  const association = { templateName: TEMPLATE, repositoryName: 'mt-repo' };

  it('finds the association on a later page of ListAssociatedApprovalRuleTemplatesForRepository', async () => {
    codecommitMock
      .on(ListAssociatedApprovalRuleTemplatesForRepositoryCommand)
      .resolvesOnce({ approvalRuleTemplateNames: ['other-template'], nextToken: 'page-2' })
      .resolvesOnce({ approvalRuleTemplateNames: ['another', TEMPLATE] });

    await expect(approvalTemplateAssociation.find(target, association)).resolves.toBe(true);
    const inputs = codecommitMock.commandCalls(ListAssociatedApprovalRuleTemplatesForRepositoryCommand).map((c) => c.args[0].input);
    expect(inputs).toEqual([{ repositoryName: 'mt-repo' }, { repositoryName: 'mt-repo', nextToken: 'page-2' }]);
  });

  it('returns undefined after the last page when the template is not associated', async () => {
    codecommitMock
      .on(ListAssociatedApprovalRuleTemplatesForRepositoryCommand)
      .resolvesOnce({ approvalRuleTemplateNames: ['a'], nextToken: 't' })
      .resolvesOnce({ approvalRuleTemplateNames: [] });

    await expect(approvalTemplateAssociation.find(target, association)).resolves.toBeUndefined();
    expect(codecommitMock).toHaveReceivedCommandTimes(ListAssociatedApprovalRuleTemplatesForRepositoryCommand, 2);
  });

  it('diffs to nothing when associated and to template and repository otherwise', () => {
    expect(approvalTemplateAssociation.diff(true, association)).toStrictEqual([]);
    expect(approvalTemplateAssociation.diff(undefined, association)).toStrictEqual([
      { field: 'template', to: TEMPLATE },
      { field: 'repository', to: 'mt-repo' },
    ]);
  });

  it('associates with the exact input', async () => {
    codecommitMock.on(AssociateApprovalRuleTemplateWithRepositoryCommand).resolves({});

    await approvalTemplateAssociation.create(target, association);
    expect(sentCommands(codecommitMock)).toStrictEqual([
      ['AssociateApprovalRuleTemplateWithRepositoryCommand', { approvalRuleTemplateName: TEMPLATE, repositoryName: 'mt-repo' }],
    ]);
  });
});

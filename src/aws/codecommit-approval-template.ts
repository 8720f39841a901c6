import type { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { sdk } from './sdk.js';
import { compareField, fieldsToCreate } from '../engine/diff.js';
import type { ResourceKind } from '../engine/types.js';
import { alreadyExists, isApprovalRuleTemplateNotFound, isApprovalTemplateOrRepositoryNotFound, isRepositoryNotFound } from './errors.js';
import type { ApprovalRuleContent } from '../config/repository.js';

export { approvalRuleContent, type ApprovalRuleContent } from '../config/repository.js';

export interface ApprovalTemplateSpec {
  name: string;
  description: string;
  content: ApprovalRuleContent;
}

export interface ApprovalTemplate {
  name: string;
  description: string;
  content: unknown;
  contentSha256: string;
}

/**
 * Approval rule templates gate pull-request merges only; direct pushes are blocked by the IAM
 * deny policy (see init-repo). Templates cannot be tagged, so ownership rests on the name.
 */
export const approvalRuleTemplate: ResourceKind<ApprovalTemplateSpec, ApprovalTemplate> = {
  kind: 'codecommit:approval-rule-template',
  name: (spec) => spec.name,

  async find(target, spec) {
    const { CodeCommitClient, GetApprovalRuleTemplateCommand } = await sdk.codecommit();
    try {
      const { approvalRuleTemplate: found } = await target.clients
        .get(CodeCommitClient)
        .send(new GetApprovalRuleTemplateCommand({ approvalRuleTemplateName: spec.name }));
      return {
        name: spec.name,
        description: found?.approvalRuleTemplateDescription ?? '',
        content: JSON.parse(found?.approvalRuleTemplateContent ?? '{}') as unknown,
        contentSha256: found?.ruleContentSha256 ?? '',
      };
    } catch (error) {
      if (isApprovalRuleTemplateNotFound(error)) return undefined;
      throw error;
    }
  },

  diff(current, spec) {
    if (!current) return fieldsToCreate({ description: spec.description, content: spec.content });
    return [...compareField('description', current.description, spec.description), ...compareField('content', current.content, spec.content)];
  },

  alreadyExists: alreadyExists.codecommitApprovalRuleTemplate,

  async create(target, spec) {
    const { CodeCommitClient, CreateApprovalRuleTemplateCommand } = await sdk.codecommit();
    await target.clients.get(CodeCommitClient).send(
      new CreateApprovalRuleTemplateCommand({
        approvalRuleTemplateName: spec.name,
        approvalRuleTemplateDescription: spec.description,
        approvalRuleTemplateContent: JSON.stringify(spec.content),
      }),
    );
    return {};
  },

  async update(target, spec, current, diffs) {
    const {
      CodeCommitClient,
      UpdateApprovalRuleTemplateContentCommand,
      UpdateApprovalRuleTemplateDescriptionCommand,
    } = await sdk.codecommit();
    const client = target.clients.get(CodeCommitClient);
    // content and description are written at once: neither update needs the other's answer
    await Promise.all([
      diffs.some((d) => d.field === 'content')
        ? client.send(
            new UpdateApprovalRuleTemplateContentCommand({
              approvalRuleTemplateName: spec.name,
              newRuleContent: JSON.stringify(spec.content),
              existingRuleContentSha256: current.contentSha256,
            }),
          )
        : undefined,
      diffs.some((d) => d.field === 'description')
        ? client.send(new UpdateApprovalRuleTemplateDescriptionCommand({ approvalRuleTemplateName: spec.name, approvalRuleTemplateDescription: spec.description }))
        : undefined,
    ]);
    return {};
  },

  /** A template still associated with a repository cannot be deleted: every association goes first. */
  async delete(target, _current, spec) {
    const { CodeCommitClient, DeleteApprovalRuleTemplateCommand, ListRepositoriesForApprovalRuleTemplateCommand } = await sdk.codecommit();
    const client = target.clients.get(CodeCommitClient);
    const repositories: string[] = [];
    let nextToken: string | undefined;
    try {
      do {
        const page = await client.send(new ListRepositoriesForApprovalRuleTemplateCommand({ approvalRuleTemplateName: spec.name, nextToken }));
        repositories.push(...(page.repositoryNames ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
    } catch (error) {
      if (isApprovalRuleTemplateNotFound(error)) return;
      throw error;
    }
    for (const repositoryName of repositories) await disassociate(client, spec.name, repositoryName);
    // DeleteApprovalRuleTemplate of a template that does not exist succeeds
    await client.send(new DeleteApprovalRuleTemplateCommand({ approvalRuleTemplateName: spec.name }));
  },

  arnOf: () => undefined,
};

export interface TemplateAssociationSpec {
  templateName: string;
  repositoryName: string;
}

export const approvalTemplateAssociation: ResourceKind<TemplateAssociationSpec, true> = {
  kind: 'codecommit:approval-rule-template-association',
  name: (spec) => `${spec.templateName} -> ${spec.repositoryName}`,

  async find(target, spec) {
    const { CodeCommitClient, ListAssociatedApprovalRuleTemplatesForRepositoryCommand } = await sdk.codecommit();
    const client = target.clients.get(CodeCommitClient);
    let nextToken: string | undefined;
    try {
      do {
        const page = await client.send(
          new ListAssociatedApprovalRuleTemplatesForRepositoryCommand({ repositoryName: spec.repositoryName, nextToken }),
        );
        if (page.approvalRuleTemplateNames?.includes(spec.templateName)) return true;
        nextToken = page.nextToken;
      } while (nextToken);
    } catch (error) {
      // no such repository: no template is associated with it
      if (isRepositoryNotFound(error)) return undefined;
      throw error;
    }
    return undefined;
  },

  diff: (current, spec) => (current ? [] : fieldsToCreate({ template: spec.templateName, repository: spec.repositoryName })),

  async create(target, spec) {
    const { AssociateApprovalRuleTemplateWithRepositoryCommand, CodeCommitClient } = await sdk.codecommit();
    await target.clients.get(CodeCommitClient).send(
      new AssociateApprovalRuleTemplateWithRepositoryCommand({
        approvalRuleTemplateName: spec.templateName,
        repositoryName: spec.repositoryName,
      }),
    );
    return {};
  },

  update: async () => ({}),
  async delete(target, _current, spec) {
    const { CodeCommitClient } = await sdk.codecommit();
    await disassociate(target.clients.get(CodeCommitClient), spec.templateName, spec.repositoryName);
  },

  arnOf: () => undefined,
};

/** Removes a template from a repository; either being gone already counts as done. */
async function disassociate(client: CodeCommitClient, templateName: string, repositoryName: string): Promise<void> {
  const { DisassociateApprovalRuleTemplateFromRepositoryCommand } = await sdk.codecommit();
  try {
    await client.send(new DisassociateApprovalRuleTemplateFromRepositoryCommand({ approvalRuleTemplateName: templateName, repositoryName }));
  } catch (error) {
    if (!isApprovalTemplateOrRepositoryNotFound(error)) throw error;
  }
}

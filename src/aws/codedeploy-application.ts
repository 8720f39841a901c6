import { sdk } from './sdk.js';
import { compareTags, fieldsToCreate, fromTagList, tagsToAdd, toTagList } from '../engine/diff.js';
import { TAG_PROJECT, type ResourceKind, type Target } from '../engine/types.js';
import { projectTags, tagIndex } from './tag-index.js';
import { alreadyExists, isApplicationNotFound } from './errors.js';

/** mtpipe deploys Lambda functions only; CodeDeploy cannot change an application's platform. */
export const LAMBDA_PLATFORM = 'Lambda';

export interface ApplicationSpec {
  name: string;
  tags: Record<string, string>;
}

export interface Application {
  name: string;
  computePlatform: string;
  tags: Record<string, string>;
}

export const codedeployApplication: ResourceKind<ApplicationSpec, Application> = {
  kind: 'codedeploy:application',
  name: (spec) => spec.name,

  async find(target, spec) {
    const { CodeDeployClient, GetApplicationCommand } = await sdk.codedeploy();
    const client = target.clients.get(CodeDeployClient);
    const arn = applicationArn(target, spec.name);
    const project = spec.tags[TAG_PROJECT];
    // the project's tag index is read alongside: a found application then costs no read of its tags
    const [read] = await Promise.allSettled([client.send(new GetApplicationCommand({ applicationName: spec.name })), project && tagIndex(target, project)]);
    if (read.status === 'rejected') {
      if (isApplicationNotFound(read.reason)) return undefined;
      throw read.reason;
    }
    return {
      name: spec.name,
      computePlatform: read.value.application?.computePlatform ?? 'Server',
      tags: await projectTags(target, project, arn, () => codedeployTags(target, arn)),
    };
  },

  diff(current, spec) {
    if (!current) return fieldsToCreate({ computePlatform: LAMBDA_PLATFORM, tags: spec.tags });
    return compareTags(current.tags, spec.tags);
  },

  check(current, spec) {
    if (current && current.computePlatform !== LAMBDA_PLATFORM) {
      return `application ${spec.name} exists for compute platform ${current.computePlatform}, not ${LAMBDA_PLATFORM}; CodeDeploy cannot change that: delete it, or use another project name`;
    }
    return undefined;
  },

  alreadyExists: alreadyExists.codedeployApplication,

  async create(target, spec) {
    const { CodeDeployClient, CreateApplicationCommand } = await sdk.codedeploy();
    await target.clients.get(CodeDeployClient).send(
      new CreateApplicationCommand({ applicationName: spec.name, computePlatform: LAMBDA_PLATFORM, tags: toTagList(spec.tags) }),
    );
    return { arn: applicationArn(target, spec.name) };
  },

  async update(target, spec, current) {
    const { CodeDeployClient, TagResourceCommand } = await sdk.codedeploy();
    const arn = applicationArn(target, spec.name);
    await target.clients.get(CodeDeployClient).send(new TagResourceCommand({ ResourceArn: arn, Tags: toTagList(tagsToAdd(current.tags, spec.tags)) }));
    return { arn };
  },

  /** Deletes the application with its deployment groups (the deploy steps delete those first). Gone already: done. */
  async delete(target, _current, spec) {
    const { CodeDeployClient, DeleteApplicationCommand } = await sdk.codedeploy();
    try {
      await target.clients.get(CodeDeployClient).send(new DeleteApplicationCommand({ applicationName: spec.name }));
    } catch (error) {
      if (!isApplicationNotFound(error)) throw error;
    }
  },

  tagsOf: (current) => current.tags,
  arnOf: (target, spec) => applicationArn(target, spec.name),
};

/** The tags of an application or deployment group (ListTagsForResource is paged). */
export async function codedeployTags(target: Target, arn: string): Promise<Record<string, string>> {
  const { CodeDeployClient, ListTagsForResourceCommand } = await sdk.codedeploy();
  const client = target.clients.get(CodeDeployClient);
  const tags: Record<string, string> = {};
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListTagsForResourceCommand({ ResourceArn: arn, NextToken: nextToken }));
    Object.assign(tags, fromTagList(page.Tags));
    nextToken = page.NextToken;
  } while (nextToken);
  return tags;
}

export function applicationArn(place: Pick<Target, 'partition' | 'account' | 'region'>, name: string): string {
  return `arn:${place.partition}:codedeploy:${place.region}:${place.account}:application:${name}`;
}

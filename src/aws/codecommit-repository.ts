import { sdk } from './sdk.js';
import { compareField, compareTags, fieldsToCreate, tagsToAdd } from '../engine/diff.js';
import { TAG_PROJECT, type ResourceKind } from '../engine/types.js';
import { projectTags, tagIndex } from './tag-index.js';
import { partition } from '../config/partition.js';
import { alreadyExists, isRepositoryNotFound } from './errors.js';
import { codecommitRepositoryArn as repositoryArn } from '../config/arns.js';

export interface RepositorySpec {
  name: string;
  description: string;
  tags: Record<string, string>;
}

export interface Repository {
  name: string;
  arn: string;
  description: string;
  cloneUrlHttp: string;
  cloneUrlSsh: string;
  tags: Record<string, string>;
}

export const codecommitRepository: ResourceKind<RepositorySpec, Repository> = {
  kind: 'codecommit:repository',
  name: (spec) => spec.name,

  async find(target, spec) {
    const { CodeCommitClient, GetRepositoryCommand, ListTagsForResourceCommand } = await sdk.codecommit();
    const client = target.clients.get(CodeCommitClient);
    const project = spec.tags[TAG_PROJECT];
    // the project's tag index is read alongside: a found repository then costs no read of its tags
    const [read] = await Promise.allSettled([client.send(new GetRepositoryCommand({ repositoryName: spec.name })), project && tagIndex(target, project)]);
    if (read.status === 'rejected') {
      if (isRepositoryNotFound(read.reason)) return undefined;
      throw read.reason;
    }
    const metadata = read.value.repositoryMetadata;
    const arn = metadata?.Arn ?? repositoryArn(target, spec.name);
    const tags = await projectTags(target, project, arn, async () => {
      const listed: Record<string, string> = {};
      let nextToken: string | undefined;
      do {
        const page = await client.send(new ListTagsForResourceCommand({ resourceArn: arn, nextToken }));
        Object.assign(listed, page.tags);
        nextToken = page.nextToken;
      } while (nextToken);
      return listed;
    });
    return {
      name: spec.name,
      arn,
      description: metadata?.repositoryDescription ?? '',
      cloneUrlHttp: metadata?.cloneUrlHttp ?? '',
      cloneUrlSsh: metadata?.cloneUrlSsh ?? '',
      tags,
    };
  },

  diff(current, spec) {
    if (!current) return fieldsToCreate({ description: spec.description, tags: spec.tags });
    return [...compareField('description', current.description, spec.description), ...compareTags(current.tags, spec.tags)];
  },

  alreadyExists: alreadyExists.codecommitRepository,

  async create(target, spec) {
    const { CodeCommitClient, CreateRepositoryCommand } = await sdk.codecommit();
    const { repositoryMetadata } = await target.clients.get(CodeCommitClient).send(
      new CreateRepositoryCommand({
        repositoryName: spec.name,
        ...(spec.description ? { repositoryDescription: spec.description } : {}),
        tags: spec.tags,
      }),
    );
    return { arn: repositoryMetadata?.Arn ?? repositoryArn(target, spec.name) };
  },

  async update(target, spec, current, diffs) {
    const { CodeCommitClient, TagResourceCommand, UpdateRepositoryDescriptionCommand } = await sdk.codecommit();
    const client = target.clients.get(CodeCommitClient);
    // the repository exists: its description and its tags are written at once
    await Promise.all([
      diffs.some((d) => d.field === 'description')
        ? client.send(new UpdateRepositoryDescriptionCommand({ repositoryName: spec.name, repositoryDescription: spec.description }))
        : undefined,
      diffs.some((d) => d.field === 'tags') ? client.send(new TagResourceCommand({ resourceArn: current.arn, tags: tagsToAdd(current.tags, spec.tags) })) : undefined,
    ]);
    return { arn: current.arn };
  },

  // DeleteRepository of a repository that does not exist succeeds (no repositoryId in the answer)
  async delete(target, _current, spec) {
    const { CodeCommitClient, DeleteRepositoryCommand } = await sdk.codecommit();
    await target.clients.get(CodeCommitClient).send(new DeleteRepositoryCommand({ repositoryName: spec.name }));
  },

  tagsOf: (current) => current.tags,
  arnOf: (target, spec) => repositoryArn(target, spec.name),
};

export { repositoryArn };

/** Clone URLs of a repository; the host's DNS suffix is the region's partition's (amazonaws.com.cn in China). */
export function cloneUrls(region: string, name: string): { https: string; ssh: string; grc: string } {
  const host = `git-codecommit.${region}.${partition(region).dnsSuffix}`;
  return {
    https: `https://${host}/v1/repos/${name}`,
    ssh: `ssh://${host}/v1/repos/${name}`,
    grc: `codecommit::${region}://${name}`,
  };
}

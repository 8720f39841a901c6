import type { ComputeType, Project as SdkProject } from '@aws-sdk/client-codebuild';
import { sdk } from './sdk.js';
import { compareField, compareTags, fieldsToCreate, fromTagList } from '../engine/diff.js';
import { IAM_PROPAGATION_TIMEOUT_MS, whileIamPropagates } from '../engine/retry.js';
import type { ResourceKind, Target, WriteContext } from '../engine/types.js';
import { alreadyExists, propagation } from './errors.js';

export interface ProjectSpec {
  name: string;
  description: string;
  /** the rendered buildspec, embedded in the project (source type CODEPIPELINE) */
  buildspec: string;
  image: string;
  computeType: ComputeType;
  /** Docker builds only: security scanners flag it, so one project has it */
  privilegedMode: boolean;
  /** plain-text variables (secrets come through the buildspec's parameter-store / secrets-manager) */
  environmentVariables: Record<string, string>;
  serviceRoleArn: string;
  timeoutInMinutes: number;
  queuedTimeoutInMinutes: number;
  /** S3 cache location: "<bucket>/<prefix>" */
  cacheLocation: string;
  logGroupName: string;
  tags: Record<string, string>;
}

/** The settings mtpipe owns, in one comparable shape for the project as wanted and as read. */
interface OwnedSettings {
  description: string;
  source: { type: string; buildspec: string[] };
  artifacts: { type: string };
  environment: {
    type: string;
    image: string;
    computeType: string;
    privilegedMode: boolean;
    environmentVariables: { name: string; value: string; type: string }[];
  };
  serviceRole: string;
  timeoutInMinutes: number | undefined;
  queuedTimeoutInMinutes: number | undefined;
  cache: { type: string; location: string | undefined };
  logs: { status: string | undefined; groupName: string | undefined };
}

export interface Project {
  name: string;
  arn: string;
  /** every environment variable, including those others set: `diff` compares only the ones mtpipe sets */
  settings: OwnedSettings;
  tags: Record<string, string>;
  /** the project as read: an update carries over from it what mtpipe does not own */
  read: SdkProject;
}

/** BatchGetProjects takes 1-100 names; missing ones come back in projectsNotFound, not as an error. */
const BATCH_GET_PROJECTS_MAX = 100;

function wanted(spec: ProjectSpec): OwnedSettings {
  return {
    description: spec.description,
    // as lines, so that a plan shows the lines of the buildspec that change
    source: { type: 'CODEPIPELINE', buildspec: spec.buildspec.split('\n') },
    artifacts: { type: 'CODEPIPELINE' },
    environment: {
      type: 'LINUX_CONTAINER',
      image: spec.image,
      computeType: spec.computeType,
      privilegedMode: spec.privilegedMode,
      environmentVariables: plainVariables(spec.environmentVariables),
    },
    serviceRole: spec.serviceRoleArn,
    timeoutInMinutes: spec.timeoutInMinutes,
    queuedTimeoutInMinutes: spec.queuedTimeoutInMinutes,
    cache: { type: 'S3', location: spec.cacheLocation },
    logs: { status: 'ENABLED', groupName: spec.logGroupName },
  };
}

function plainVariables(variables: Record<string, string>) {
  return Object.entries(variables)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({ name, value, type: 'PLAINTEXT' }));
}

/**
 * The settings as read, narrowed to what mtpipe owns: of the environment variables only those it sets.
 * CodeBuild adds variables of its own (new projects get CODEBUILD_CONFIG_AUTO_DISCOVER=true), and
 * people add theirs; neither is mtpipe's to remove.
 */
function ownedOf(settings: OwnedSettings, spec: ProjectSpec): OwnedSettings {
  const names = new Set(Object.keys(spec.environmentVariables));
  const { environment } = settings;
  return { ...settings, environment: { ...environment, environmentVariables: environment.environmentVariables.filter((v) => names.has(v.name)) } };
}

function settingsOf(project: SdkProject): OwnedSettings {
  const { environment, cache, logsConfig } = project;
  return {
    description: project.description ?? '',
    source: { type: project.source?.type ?? '', buildspec: (project.source?.buildspec ?? '').split('\n') },
    artifacts: { type: project.artifacts?.type ?? '' },
    environment: {
      type: environment?.type ?? '',
      image: environment?.image ?? '',
      computeType: environment?.computeType ?? '',
      privilegedMode: environment?.privilegedMode ?? false,
      environmentVariables: (environment?.environmentVariables ?? [])
        .map((variable) => ({ name: variable.name ?? '', value: variable.value ?? '', type: variable.type ?? 'PLAINTEXT' }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    },
    serviceRole: project.serviceRole ?? '',
    timeoutInMinutes: project.timeoutInMinutes,
    queuedTimeoutInMinutes: project.queuedTimeoutInMinutes,
    cache: { type: cache?.type ?? 'NO_CACHE', location: cache?.location },
    logs: { status: logsConfig?.cloudWatchLogs?.status, groupName: logsConfig?.cloudWatchLogs?.groupName },
  };
}

/** The request body CreateProject and UpdateProject share. */
export function projectInput(spec: ProjectSpec) {
  return {
    name: spec.name,
    description: spec.description,
    source: { type: 'CODEPIPELINE' as const, buildspec: spec.buildspec },
    artifacts: { type: 'CODEPIPELINE' as const },
    environment: {
      type: 'LINUX_CONTAINER' as const,
      image: spec.image,
      computeType: spec.computeType,
      privilegedMode: spec.privilegedMode,
      imagePullCredentialsType: 'CODEBUILD' as const,
      environmentVariables: plainVariables(spec.environmentVariables).map((v) => ({ ...v, type: 'PLAINTEXT' as const })),
    },
    serviceRole: spec.serviceRoleArn,
    timeoutInMinutes: spec.timeoutInMinutes,
    queuedTimeoutInMinutes: spec.queuedTimeoutInMinutes,
    cache: { type: 'S3' as const, location: spec.cacheLocation },
    logsConfig: { cloudWatchLogs: { status: 'ENABLED' as const, groupName: spec.logGroupName }, s3Logs: { status: 'DISABLED' as const } },
  };
}

/**
 * UpdateProject replaces each structure it is given as a whole. So the structures mtpipe sets
 * (source, artifacts, environment, cache, logsConfig) are sent as they were read with mtpipe's fields
 * laid over them: variables others set, an S3 log location, a certificate, a fleet … stay as they are.
 * Top-level members left out (vpcConfig, encryptionKey, secondary sources …) are not changed by AWS.
 */
export function updateInput(spec: ProjectSpec, read: SdkProject) {
  const wanted = projectInput(spec);
  const owned = new Set(Object.keys(spec.environmentVariables));
  const others = (read.environment?.environmentVariables ?? []).filter((variable) => !owned.has(variable.name ?? ''));
  // the other fields of a source, artifacts or cache of another type mean nothing for mtpipe's type
  const sameType = <T extends { type?: string }>(part: T | undefined, type: string) => (part?.type === type ? part : {});
  const { imagePullCredentialsType: _pull, ...environment } = wanted.environment;
  return {
    ...wanted,
    source: { ...sameType(read.source, 'CODEPIPELINE'), ...wanted.source },
    artifacts: { ...sameType(read.artifacts, 'CODEPIPELINE'), ...wanted.artifacts },
    environment: { ...read.environment, ...environment, environmentVariables: [...environment.environmentVariables, ...others] },
    cache: { ...sameType(read.cache, 'S3'), ...wanted.cache },
    logsConfig: { ...read.logsConfig, cloudWatchLogs: { ...read.logsConfig?.cloudWatchLogs, ...wanted.logsConfig.cloudWatchLogs } },
  };
}

const codebuildTags = (tags: Record<string, string>) => Object.entries(tags).map(([key, value]) => ({ key, value }));

/** The role may have been created moments ago in this run: CodeBuild then cannot assume it yet. Any other role's refusal is permanent. */
function withRolePropagation<T>(write: () => Promise<T>, spec: ProjectSpec, context: WriteContext | undefined): Promise<T> {
  const roleIsNew = context?.createdInThisRun('iam:role', spec.serviceRoleArn) ?? false;
  return whileIamPropagates(write, (error) => roleIsNew && propagation.codebuildCannotAssumeRole(error), { timeoutMs: IAM_PROPAGATION_TIMEOUT_MS, context });
}

export const codebuildProject: ResourceKind<ProjectSpec, Project> = {
  kind: 'codebuild:project',
  name: (spec) => spec.name,

  async find(target, spec) {
    const [found] = await readProjects(target, [spec.name]);
    return found;
  },

  findMany: (target, specs) => readProjects(target, specs.map((spec) => spec.name)),

  diff(current, spec) {
    const want = wanted(spec);
    if (!current) {
      const { source, ...rest } = want;
      return fieldsToCreate({ ...rest, source: { type: source.type, buildspec: `${source.buildspec.length} lines` }, tags: spec.tags });
    }
    const have = ownedOf(current.settings, spec);
    const fields = Object.keys(want) as (keyof OwnedSettings)[];
    return [...fields.flatMap((field) => compareField(field, have[field], want[field])), ...compareTags(current.tags, spec.tags)];
  },

  alreadyExists: alreadyExists.codebuildProject,

  async create(target, spec, context) {
    const { CodeBuildClient, CreateProjectCommand } = await sdk.codebuild();
    const client = target.clients.get(CodeBuildClient);
    const { project } = await withRolePropagation(
      () => client.send(new CreateProjectCommand({ ...projectInput(spec), tags: codebuildTags(spec.tags) })),
      spec,
      context,
    );
    return { arn: project?.arn ?? projectArn(target, spec.name) };
  },

  async update(target, spec, current, diffs, context) {
    const { CodeBuildClient, UpdateProjectCommand } = await sdk.codebuild();
    const client = target.clients.get(CodeBuildClient);
    // UpdateProject replaces the whole tag list when given one: send it only to add mtpipe's, keeping others'
    const tags = diffs.some((diff) => diff.field === 'tags') ? { tags: codebuildTags({ ...current.tags, ...spec.tags }) } : {};
    await withRolePropagation(() => client.send(new UpdateProjectCommand({ ...updateInput(spec, current.read), ...tags })), spec, context);
    return { arn: current.arn };
  },

  // DeleteProject of a project that does not exist succeeds
  async delete(target, _current, spec) {
    const { CodeBuildClient, DeleteProjectCommand } = await sdk.codebuild();
    await target.clients.get(CodeBuildClient).send(new DeleteProjectCommand({ name: spec.name }));
  },

  tagsOf: (current) => current.tags,
  arnOf: (target, spec) => projectArn(target, spec.name),
};

async function readProjects(target: Target, names: string[]): Promise<(Project | undefined)[]> {
  const { BatchGetProjectsCommand, CodeBuildClient } = await sdk.codebuild();
  const client = target.clients.get(CodeBuildClient);
  const found = new Map<string, Project>();
  for (let start = 0; start < names.length; start += BATCH_GET_PROJECTS_MAX) {
    const batch = names.slice(start, start + BATCH_GET_PROJECTS_MAX);
    const { projects = [] } = await client.send(new BatchGetProjectsCommand({ names: batch }));
    for (const project of projects) {
      if (!project.name) continue;
      found.set(project.name, {
        name: project.name,
        arn: project.arn ?? projectArn(target, project.name),
        settings: settingsOf(project),
        tags: fromTagList(project.tags),
        read: project,
      });
    }
  }
  return names.map((name) => found.get(name));
}

export function projectArn(place: Pick<Target, 'partition' | 'account' | 'region'>, name: string): string {
  return `arn:${place.partition}:codebuild:${place.region}:${place.account}:project/${name}`;
}

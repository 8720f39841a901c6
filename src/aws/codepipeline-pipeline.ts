import type { ActionDeclaration, PipelineDeclaration, StageDeclaration } from '@aws-sdk/client-codepipeline';
import { sdk } from './sdk.js';
import type { ProviderType } from '@aws-sdk/client-codestar-connections';
import { compareField, compareTags, fieldsToCreate, fromTagList, tagsToAdd } from '../engine/diff.js';
import { IAM_PROPAGATION_TIMEOUT_MS, whileIamPropagates } from '../engine/retry.js';
import { TAG_PROJECT, type FieldDiff, type ResourceKind, type Target, type WriteContext } from '../engine/types.js';
import { projectTags, tagIndex } from './tag-index.js';
import { findConnectionByName } from './codeconnections-connection.js';
import { alreadyExists, isPipelineNotFound, propagation } from './errors.js';
import { pipelineArn } from '../config/arns.js';

/** Stands for the ARN of a connection mtpipe creates in the same run; filled in when the pipeline is written. */
export const CONNECTION_PLACEHOLDER = '<connection created by mtpipe>';

export interface PipelineSpec {
  declaration: PipelineDeclaration;
  tags: Record<string, string>;
  /** the connection mtpipe creates, whose ARN stands as CONNECTION_PLACEHOLDER in the declaration */
  connection?: { name: string; providerType: ProviderType };
}

export interface Pipeline {
  arn: string;
  /** as GetPipeline returned it, with a connection created by mtpipe shown as CONNECTION_PLACEHOLDER */
  declaration: PipelineDeclaration;
  tags: Record<string, string>;
}

/** The action fields mtpipe sets; others (timeoutInMinutes, roleArn, region …) are carried over. */
const OWNED_ACTION_FIELDS = ['actionTypeId', 'runOrder', 'configuration', 'inputArtifacts', 'outputArtifacts', 'namespace'] as const;

/** One action as mtpipe compares it: AWS's defaults filled in, configuration JSON parsed. */
function ownedAction(action: ActionDeclaration): Record<string, unknown> {
  const configuration = Object.fromEntries(
    Object.entries(action.configuration ?? {}).map(([key, value]) => {
      if (key !== 'EnvironmentVariables') return [key, value];
      try {
        return [key, JSON.parse(value) as unknown];
      } catch {
        return [key, value];
      }
    }),
  );
  return {
    actionTypeId: action.actionTypeId,
    runOrder: action.runOrder ?? 1,
    configuration,
    inputArtifacts: (action.inputArtifacts ?? []).map((artifact) => artifact.name),
    outputArtifacts: (action.outputArtifacts ?? []).map((artifact) => artifact.name),
    namespace: action.namespace,
  };
}

/** Top-level fields mtpipe owns, with the values AWS gives when they were never set. */
function ownedTop(declaration: PipelineDeclaration) {
  return {
    roleArn: declaration.roleArn,
    artifactStore: { type: declaration.artifactStore?.type, location: declaration.artifactStore?.location },
    pipelineType: declaration.pipelineType ?? 'V1',
    executionMode: declaration.executionMode ?? 'SUPERSEDED',
    triggers: declaration.triggers ?? [],
  };
}

/** Field-by-field differences of two declarations, over what mtpipe owns only. */
export function declarationDiff(current: PipelineDeclaration, wanted: PipelineDeclaration): FieldDiff[] {
  const have = ownedTop(current);
  const want = ownedTop(wanted);
  const diffs = (Object.keys(want) as (keyof typeof want)[]).flatMap((field) => compareField(field, have[field], want[field]));
  const stageNames = (stages: StageDeclaration[] | undefined) => (stages ?? []).map((stage) => stage.name);
  diffs.push(...compareField('stages', stageNames(current.stages), stageNames(wanted.stages)));
  for (const stage of wanted.stages ?? []) {
    const before = current.stages?.find((candidate) => candidate.name === stage.name);
    if (!before) continue;
    const names = (s: StageDeclaration) => (s.actions ?? []).map((action) => action.name);
    diffs.push(...compareField(`${stage.name}.actions`, names(before), names(stage)));
    for (const action of stage.actions ?? []) {
      const old = before.actions?.find((candidate) => candidate.name === action.name);
      if (!old) continue;
      const [a, b] = [ownedAction(old), ownedAction(action)];
      for (const field of OWNED_ACTION_FIELDS) diffs.push(...compareField(`${stage.name}.${action.name}.${field}`, a[field], b[field]));
    }
  }
  return diffs;
}

/**
 * The declaration UpdatePipeline gets: mtpipe's, with everything else of the current one carried over
 * (version, the artifact store's key, variables, each stage's and action's settings mtpipe does not set).
 */
export function mergedDeclaration(current: PipelineDeclaration, wanted: PipelineDeclaration): PipelineDeclaration {
  const stages = (wanted.stages ?? []).map((stage): StageDeclaration => {
    const before = current.stages?.find((candidate) => candidate.name === stage.name);
    const actions = (stage.actions ?? []).map((action) => ({ ...before?.actions?.find((candidate) => candidate.name === action.name), ...action }));
    return { ...before, ...stage, actions };
  });
  return {
    ...current,
    ...wanted,
    artifactStore: { ...current.artifactStore, ...wanted.artifactStore } as PipelineDeclaration['artifactStore'],
    ...(current.version !== undefined ? { version: current.version } : {}),
    stages,
  };
}

/** The connection placeholder replaced by the connection's ARN (it exists: it is a dependency). */
async function resolved(target: Target, spec: PipelineSpec): Promise<PipelineDeclaration> {
  if (!spec.connection) return spec.declaration;
  const connection = await findConnectionByName(target, spec.connection.name, spec.connection.providerType);
  if (!connection) throw new Error(`connection "${spec.connection.name}" does not exist`);
  return withConnection(spec.declaration, CONNECTION_PLACEHOLDER, connection.arn);
}

function withConnection(declaration: PipelineDeclaration, from: string, to: string): PipelineDeclaration {
  return {
    ...declaration,
    stages: (declaration.stages ?? []).map((stage) => ({
      ...stage,
      actions: (stage.actions ?? []).map((action) =>
        action.configuration?.ConnectionArn === from ? { ...action, configuration: { ...action.configuration, ConnectionArn: to } } : action,
      ),
    })),
  };
}

/** The pipeline role may have been created moments ago in this run: CodePipeline then cannot assume it yet. Any other role's refusal is permanent. */
function withRolePropagation<T>(write: () => Promise<T>, spec: PipelineSpec, context: WriteContext | undefined): Promise<T> {
  const roleArn = spec.declaration.roleArn;
  const roleIsNew = roleArn !== undefined && (context?.createdInThisRun('iam:role', roleArn) ?? false);
  return whileIamPropagates(write, (error) => roleIsNew && propagation.codepipelineCannotAssumeRole(error), { timeoutMs: IAM_PROPAGATION_TIMEOUT_MS, context });
}

const pipelineTags = (tags: Record<string, string>) => Object.entries(tags).map(([key, value]) => ({ key, value }));

export const codepipelinePipeline: ResourceKind<PipelineSpec, Pipeline> = {
  kind: 'codepipeline:pipeline',
  name: (spec) => spec.declaration.name!,

  async find(target, spec) {
    const { CodePipelineClient, GetPipelineCommand, ListTagsForResourceCommand } = await sdk.codepipeline();
    const client = target.clients.get(CodePipelineClient);
    const project = spec.tags[TAG_PROJECT];
    // the pipeline, the connection it names and the project's tag index need only names: read at once
    const [read, connection] = await Promise.allSettled([
      client.send(new GetPipelineCommand({ name: spec.declaration.name })),
      spec.connection ? findConnectionByName(target, spec.connection.name, spec.connection.providerType) : undefined,
      project && tagIndex(target, project),
    ]);
    if (read.status === 'rejected') {
      if (isPipelineNotFound(read.reason)) return undefined;
      throw read.reason;
    }
    if (connection.status === 'rejected') throw connection.reason;
    const found = read.value;
    const arn = found.metadata?.pipelineArn ?? pipelineArn(target, spec.declaration.name!);
    const tags = await projectTags(target, project, arn, async () => fromTagList((await client.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags));
    let declaration = found.pipeline ?? ({ name: spec.declaration.name, roleArn: undefined, stages: [] } as unknown as PipelineDeclaration);
    if (connection.value) declaration = withConnection(declaration, connection.value.arn, CONNECTION_PLACEHOLDER);
    return { arn, declaration, tags };
  },

  diff(current, spec) {
    if (!current) {
      const { name: _name, stages, ...rest } = spec.declaration;
      const source = stages?.[0]?.actions?.[0];
      return fieldsToCreate({
        ...rest,
        source: source ? { provider: source.actionTypeId?.provider, configuration: source.configuration } : undefined,
        stages: (stages ?? []).map((stage) => stage.name),
        tags: spec.tags,
      });
    }
    return [...declarationDiff(current.declaration, spec.declaration), ...compareTags(current.tags, spec.tags)];
  },

  async create(target, spec, context) {
    const { CodePipelineClient, CreatePipelineCommand } = await sdk.codepipeline();
    const client = target.clients.get(CodePipelineClient);
    const pipeline = await resolved(target, spec);
    const { pipeline: created } = await withRolePropagation(() => client.send(new CreatePipelineCommand({ pipeline, tags: pipelineTags(spec.tags) })), spec, context);
    return { arn: pipelineArn(target, created?.name ?? pipeline.name!) };
  },

  async update(target, spec, current, diffs, context) {
    const { CodePipelineClient, TagResourceCommand, UpdatePipelineCommand } = await sdk.codepipeline();
    const client = target.clients.get(CodePipelineClient);
    const updateDeclaration = async () => {
      const wanted = await resolved(target, spec);
      const connection = spec.connection ? wanted.stages?.[0]?.actions?.[0]?.configuration?.ConnectionArn : undefined;
      const currentDeclaration = connection ? withConnection(current.declaration, CONNECTION_PLACEHOLDER, connection) : current.declaration;
      await withRolePropagation(() => client.send(new UpdatePipelineCommand({ pipeline: mergedDeclaration(currentDeclaration, wanted) })), spec, context);
    };
    const missing = tagsToAdd(current.tags, spec.tags);
    // the pipeline exists: its declaration and its tags are written at once
    await Promise.all([
      diffs.some((diff) => diff.field !== 'tags') ? updateDeclaration() : undefined,
      Object.keys(missing).length > 0 ? client.send(new TagResourceCommand({ resourceArn: current.arn, tags: pipelineTags(missing) })) : undefined,
    ]);
    return { arn: current.arn };
  },

  // DeletePipeline of a pipeline that does not exist succeeds
  async delete(target, _current, spec) {
    const { CodePipelineClient, DeletePipelineCommand } = await sdk.codepipeline();
    await target.clients.get(CodePipelineClient).send(new DeletePipelineCommand({ name: spec.declaration.name! }));
  },

  alreadyExists: alreadyExists.codepipelinePipeline,
  tagsOf: (current) => current.tags,
  arnOf: (target, spec) => pipelineArn(target, spec.declaration.name!),
};

export { pipelineArn };

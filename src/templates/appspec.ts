import { createHash } from 'node:crypto';
import { Document, parse, type Scalar } from 'yaml';
import { renderTemplate, TemplateError } from './render.js';

const TEMPLATE = 'appspec.yml';
/** The alias CodeDeploy shifts; the solution's callers invoke it. */
export const LIVE_ALIAS = 'live';
const HOOK_EVENTS = ['BeforeAllowTraffic', 'AfterAllowTraffic'] as const;

/** Lambda functions CodeDeploy invokes before and after it shifts traffic (physical names). */
export interface HookFunctions {
  beforeAllowTraffic?: string;
  afterAllowTraffic?: string;
}

export interface AppSpecInput {
  functionName: string;
  /** the version the alias points at now */
  currentVersion: string;
  /** the version to shift the alias to */
  targetVersion: string;
  alias?: string;
  hooks?: HookFunctions;
}

export interface AppSpec {
  version: number;
  Resources: Record<string, { Type: string; Properties: { Name: string; Alias: string; CurrentVersion: string; TargetVersion: string } }>[];
  Hooks?: Partial<Record<(typeof HOOK_EVENTS)[number], string>>[];
}

export interface RenderedAppSpec {
  spec: AppSpec;
  /** YAML, as CodeDeploy receives it (revision AppSpecContent) */
  content: string;
  /** hex SHA-256 of content */
  sha256: string;
}

const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const ALIAS_NAME = /^(?!\d+$)[A-Za-z0-9_-]{1,128}$/;
const VERSION = /^[1-9]\d{0,9}$/;

/** The hook names from mtpipe.yaml (solution.hooks), when the configuration has them. */
export function configuredHooks(config: { solution: object }): HookFunctions {
  const hooks = (config.solution as { hooks?: HookFunctions }).hooks;
  return { ...(hooks?.beforeAllowTraffic ? { beforeAllowTraffic: hooks.beforeAllowTraffic } : {}), ...(hooks?.afterAllowTraffic ? { afterAllowTraffic: hooks.afterAllowTraffic } : {}) };
}

/** Renders the AppSpec of one Lambda deployment from the template, and validates it. */
export function renderAppSpec(input: AppSpecInput): RenderedAppSpec {
  const filled = renderTemplate(TEMPLATE, {
    functionName: input.functionName,
    alias: input.alias ?? LIVE_ALIAS,
    currentVersion: input.currentVersion,
    targetVersion: input.targetVersion,
    // null marks a hook nobody configured; it is dropped below
    beforeAllowTraffic: input.hooks?.beforeAllowTraffic ?? null,
    afterAllowTraffic: input.hooks?.afterAllowTraffic ?? null,
  }) as AppSpec;
  const hooks = (filled.Hooks ?? []).filter((hook) => Object.values(hook).every((name) => name !== null));
  const spec: AppSpec = { version: filled.version, Resources: filled.Resources, ...(hooks.length > 0 ? { Hooks: hooks } : {}) };
  const content = toYaml(spec);
  const problems = validateAppSpec(parse(content), content);
  if (problems.length > 0) throw new TemplateError(TEMPLATE, problems.join('; '));
  return { spec, content, sha256: createHash('sha256').update(content).digest('hex') };
}

/** YAML text; `version: 0.0` as CodeDeploy documents it (a plain 0 would be a different-looking file). */
export function toYaml(spec: AppSpec): string {
  const document = new Document(spec);
  (document.get('version', true) as Scalar).minFractionDigits = 1;
  return document.toString();
}

/** What is wrong with a parsed AppSpec of a Lambda deployment (empty: nothing). */
export function validateAppSpec(document: unknown, text = ''): string[] {
  const problems: string[] = [];
  if (/\{\{|\$\{|!(Ref|Sub|GetAtt)\b/.test(text)) problems.push('contains an unfilled template reference');
  const spec = document as Partial<AppSpec> | null;
  if (spec?.version !== 0) problems.push('version must be 0.0');
  const resources = spec?.Resources;
  if (!Array.isArray(resources) || resources.length !== 1 || Object.keys(resources[0] ?? {}).length !== 1) {
    problems.push('Resources must hold exactly one function (a Lambda deployment shifts one alias)');
  } else {
    const resource = Object.values(resources[0]!)[0];
    const properties = resource?.Properties;
    if (resource?.Type !== 'AWS::Lambda::Function') problems.push('the resource Type must be AWS::Lambda::Function');
    if (!FUNCTION_NAME.test(String(properties?.Name))) problems.push(`Name ${JSON.stringify(properties?.Name)} is not a Lambda function name`);
    if (!ALIAS_NAME.test(String(properties?.Alias))) problems.push(`Alias ${JSON.stringify(properties?.Alias)} is not an alias name`);
    for (const key of ['CurrentVersion', 'TargetVersion'] as const) {
      const version = properties?.[key];
      if (typeof version !== 'string' || !VERSION.test(version)) problems.push(`${key} ${JSON.stringify(version)} must be a published version number`);
    }
    if (properties?.CurrentVersion === properties?.TargetVersion) problems.push('CurrentVersion and TargetVersion must differ');
  }
  const hooks = spec?.Hooks ?? [];
  if (!Array.isArray(hooks)) problems.push('Hooks must be a list');
  else {
    const events = hooks.flatMap((hook) => Object.keys(hook ?? {}));
    for (const event of events) {
      if (!(HOOK_EVENTS as readonly string[]).includes(event)) problems.push(`hook ${event} does not exist for Lambda deployments`);
    }
    if (new Set(events).size !== events.length) problems.push('a hook appears twice');
    for (const name of hooks.flatMap((hook) => Object.values(hook ?? {}))) {
      if (!FUNCTION_NAME.test(String(name))) problems.push(`hook function ${JSON.stringify(name)} is not a Lambda function name`);
    }
  }
  return problems;
}

/**
 * The appspec.yml `mtpipe render` writes into the solution repository: comments only. The versions an
 * AppSpec needs exist only at release time, so the file explains what `mtpipe release` sends instead
 * of holding an AppSpec that would always be stale.
 */
export function appSpecExample(input: { env: string; deploymentGroup: string; functions: { name: string; logicalId?: string }[]; hooks?: HookFunctions }): string {
  const lines = [
    'appspec.yml, written by `mtpipe render`: how the solution\'s Lambda functions are released.',
    '',
    'A Lambda deployment shifts one function\'s "live" alias from the version it points at (CurrentVersion)',
    'to a newly published version (TargetVersion). Both are real version numbers that exist only at release',
    'time, so this file holds no active AppSpec: `mtpipe release <function> --env <env>` publishes the version,',
    'renders the AppSpec with the real numbers and starts the deployment itself, with automatic rollback on',
    `failure or alarm (in ${input.env}: deployment group ${input.deploymentGroup}). Nothing reads this file.`,
    '',
  ];
  const functions = input.functions;
  if (functions.length === 0) {
    lines.push('No Lambda functions are known yet: set solution.stacks or solution.lambdaFunctions in mtpipe.yaml and render again.');
  }
  for (const { name, logicalId } of functions) {
    lines.push(
      `\`mtpipe release ${logicalId ?? name} --env ${input.env}\`, with live at version 1 and version 2 just published, sends:`,
      '',
      ...toYaml(renderAppSpec({ functionName: name, currentVersion: '1', targetVersion: '2', ...(input.hooks ? { hooks: input.hooks } : {}) }).spec).trimEnd().split('\n'),
      '',
    );
  }
  while (lines.at(-1) === '') lines.pop();
  return `${lines.map((line) => (line ? `# ${line}` : '#')).join('\n')}\n`;
}

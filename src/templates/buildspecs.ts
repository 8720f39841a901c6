import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { parameterPath } from '../commands/set-params.js';
import { hfTokenSecretName, qeImageRepositoryName } from '../config/resource-names.js';
import { partition } from '../config/partition.js';
import { HF_TOKEN_PARAMETER, SAMPLE_STATE_MACHINE, type Config } from '../config/schema.js';
import { BuildspecError, isMap, validateBuildspecDocument, type BuildImage } from './buildspec-rules.js';
import { fill, parsedTemplate, templatePath } from './render.js';

export { BuildspecError, validateBuildspec, type BuildImage } from './buildspec-rules.js';

/**
 * The three buildspecs as YAML text, rendered from the templates next to this module, parsed back and
 * validated: CodeBuild projects embed them, and `mtpipe render` writes them into the solution repository.
 */

export interface BuildspecFiles {
  'buildspec.yml': string;
  'buildspec-deploy.yml': string;
  'buildspec-test.yml': string;
}

/** One solution setting and where the build reads it at run time. */
export type Setting = { name: string; parameter: string } | { name: string; secretId: string };

export interface BuildAndTestInputs {
  image: BuildImage;
  python: string;
  nodejs: string;
  /** ECR repository build_and_push.sh pushes the quality-estimation image to */
  qeImageRepository: string;
}

export interface DeployInputs {
  image: BuildImage;
  python: string;
  nodejs: string;
  /** every setting of the environment, the token included; each becomes `-c name=...` */
  settings: Setting[];
  /** cdk.context: literal, non-secret context values */
  context?: Record<string, string>;
  /** the environments' CDK bootstrap qualifier (cdk.qualifier) */
  qualifier: string;
  /**
   * the quality-estimation image repository in the tool account: its name, and the region (with the
   * partition's DNS suffix) of the copy the environment deploys: the environment's own region
   */
  qeImage: { repository: string; region: string; dnsSuffix: string };
}

export interface IntegrationTestInputs {
  image: BuildImage;
  python: string;
  command: string;
  /** name or ARN of the state machine the smoke test runs */
  stateMachine: string;
  /** solution.sagemakerEndpoint; empty: the environment's quality_estimation_sgm_endpoint_name (as the role's rights) */
  endpoint: string;
  settings: { name: string; parameter: string }[];
}

/** The shell variable a setting is read into, e.g. input_bucket_name → SETTING_INPUT_BUCKET_NAME. */
export function settingVariable(name: string): string {
  return `SETTING_${name.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;
}

export function renderBuildAndTestBuildspec(inputs: BuildAndTestInputs): string {
  const { image, python, nodejs, qeImageRepository } = inputs;
  return renderBuildspecFile('buildspec.yml', { python, nodejs, qeImageRepository }, image);
}

/** The smoke test's callerId (CALLER_ID in the script): its input keys and the workflow's output start with it. */
export const SMOKE_TEST_CALLER_ID = 'mtpipe-smoke';

/** Where `mtpipe render` writes the smoke test, in the solution repository. */
export const SMOKE_TEST_SCRIPT = 'scripts/mtpipe-smoke-test.py';

/** The default integration test: the smoke test, with a hint when the repository lacks it. */
export const SMOKE_TEST_COMMAND =
  `if [ ! -f ${SMOKE_TEST_SCRIPT} ]; then printf '%s\\n' '${SMOKE_TEST_SCRIPT} is missing: run mtpipe render in the solution repository and commit what it writes' >&2; exit 1; fi\n` +
  `python ${SMOKE_TEST_SCRIPT}\n`;

/** The smoke test as `mtpipe render` writes it into the solution repository. */
export function smokeTestScript(): string {
  return readFileSync(templatePath('mtpipe-smoke-test.py'), 'utf8');
}

/** The settings of the quality-estimation image and model: the deploy build passes the image built for the commit. */
export const IMAGE_URI_SETTING = 'quality_estimation_sgm_image_uri';
export const MODEL_NAME_SETTING = 'quality_estimation_sgm_model_name';

/** The CDK context key that names the bootstrap resources' qualifier (DefaultStackSynthesizer). */
export const BOOTSTRAP_QUALIFIER_CONTEXT = '@aws-cdk/core:bootstrapQualifier';

/**
 * A non-empty marketplace_endpoint_name switches the sample solution to a Marketplace endpoint, and its
 * cdk.json ships a placeholder there: it is passed empty unless a setting or cdk.context gives it.
 */
export const MARKETPLACE_ENDPOINT_CONTEXT = 'marketplace_endpoint_name';

/** A value as one single-quoted shell word. */
function shellQuoted(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function renderDeployBuildspec(inputs: DeployInputs): string {
  const { image, python, nodejs, context = {}, qualifier, qeImage } = inputs;
  // the image is the one build-and-test pushed for this commit: its setting is not read
  const settings = inputs.settings.filter((s) => s.name !== IMAGE_URI_SETTING);
  const variables = variablesFor(settings);
  const contextOf = (s: Setting) =>
    s.name === MODEL_NAME_SETTING ? `-c ${s.name}="$${variables.get(s.name)}-$QE_MODEL_SUFFIX"` : `-c ${s.name}="$${variables.get(s.name)}"`;
  return renderBuildspecFile(
    'buildspec-deploy.yml',
    {
      python,
      nodejs,
      imageRegion: qeImage.region,
      dnsSuffix: qeImage.dnsSuffix,
      qeImageRepository: qeImage.repository,
      settingsFromParameterStore: Object.fromEntries(settings.flatMap((s) => ('parameter' in s ? [[variables.get(s.name), s.parameter]] : []))),
      settingsFromSecretsManager: Object.fromEntries(settings.flatMap((s) => ('secretId' in s ? [[variables.get(s.name), s.secretId]] : []))),
      // quoted, so a value with spaces stays one argument; the value itself never appears in the buildspec
      cdkContext: [
        // the deploy role ARNs, the assets bucket and the bootstrap version check all carry the qualifier
        `-c ${BOOTSTRAP_QUALIFIER_CONTEXT}=${shellQuoted(qualifier)}`,
        ...settings.map(contextOf),
        `-c ${IMAGE_URI_SETTING}="$QE_IMAGE_URI"`,
        ...Object.entries(context).map(([key, value]) => `-c ${key}=${shellQuoted(value)}`),
      ].join(' '),
    },
    image,
  );
}

export function renderIntegrationTestBuildspec(inputs: IntegrationTestInputs): string {
  const { image, python, command, settings, stateMachine, endpoint } = inputs;
  const variables = variablesFor(settings);
  return renderBuildspecFile(
    'buildspec-test.yml',
    {
      python,
      stateMachine,
      endpoint,
      integrationTestCommand: command,
      settingsFromParameterStore: Object.fromEntries(settings.map((s) => [variables.get(s.name), s.parameter])),
    },
    image,
  );
}

/** The three buildspecs for one environment, as `mtpipe render` writes them and the projects embed them. */
export function renderBuildspecs(config: Config, envName: string): BuildspecFiles {
  const { image, python, nodejs, integrationTestCommand } = config.builds;
  const settings = environmentSettings(config, envName);
  // the environment's region: its copy of the image (replicated there when it is not the tool region)
  const imageRegion = config.environments[envName]?.region ?? config.region;
  return {
    'buildspec.yml': renderBuildAndTestBuildspec({ image, python, nodejs, qeImageRepository: qeImageRepositoryName(config) }),
    'buildspec-deploy.yml': renderDeployBuildspec({
      image,
      python,
      nodejs,
      settings,
      context: deployContext(config, settings),
      qualifier: config.cdk.qualifier,
      qeImage: { repository: qeImageRepositoryName(config), region: imageRegion, dnsSuffix: partition(imageRegion).dnsSuffix },
    }),
    'buildspec-test.yml': renderIntegrationTestBuildspec({
      image,
      python,
      command: integrationTestCommand ?? SMOKE_TEST_COMMAND,
      stateMachine: config.solution.stateMachines[0] ?? SAMPLE_STATE_MACHINE,
      endpoint: config.solution.sagemakerEndpoint ?? '',
      // the tests need the names of what was deployed, not the token
      settings: settings.filter((s): s is { name: string; parameter: string } => 'parameter' in s && s.name !== HF_TOKEN_PARAMETER),
    }),
  };
}

/** cdk.context, with marketplace_endpoint_name empty unless a setting or cdk.context names it. */
function deployContext(config: Config, settings: Setting[]): Record<string, string> {
  const given = MARKETPLACE_ENDPOINT_CONTEXT in config.cdk.context || settings.some((s) => s.name === MARKETPLACE_ENDPOINT_CONTEXT);
  return given ? config.cdk.context : { [MARKETPLACE_ENDPOINT_CONTEXT]: '', ...config.cdk.context };
}

/**
 * Every setting set-params writes for the environment (the names of environmentParameters: top-level
 * `parameters` with the environment's own on top), then the token from the configured store.
 */
export function environmentSettings(config: Config, envName: string): Setting[] {
  const environment = config.environments[envName];
  if (!environment) throw new Error(`internal: no environment "${envName}" in the configuration`);
  const names = Object.keys({ ...config.parameters, ...environment.parameters }).sort();
  const token: Setting =
    config.secrets.huggingFaceToken.store === 'ssm'
      ? { name: HF_TOKEN_PARAMETER, parameter: parameterPath(config.project, envName, HF_TOKEN_PARAMETER) }
      : { name: HF_TOKEN_PARAMETER, secretId: hfTokenSecretName(config.project, envName) };
  return [...names.map((name) => ({ name, parameter: parameterPath(config.project, envName, name) })), token];
}

function variablesFor(settings: { name: string }[]): Map<string, string> {
  const variables = new Map<string, string>();
  for (const { name } of settings) {
    const variable = settingVariable(name);
    const clash = [...variables].find(([, taken]) => taken === variable);
    if (clash) throw new BuildspecError('settings', [`"${clash[0]}" and "${name}" would both become the variable ${variable}: rename one`]);
    variables.set(name, variable);
  }
  return variables;
}

function renderBuildspecFile(template: string, variables: Record<string, unknown>, image: BuildImage): string {
  return renderBuildspecDocument(template, parsedTemplate(template), variables, image);
}

/** Fills a template's text (every placeholder must have a value, every value a placeholder), then validates. */
export function renderBuildspecSource(template: string, source: string, variables: Record<string, unknown>, image: BuildImage): string {
  return renderBuildspecDocument(template, parse(source), variables, image);
}

function renderBuildspecDocument(template: string, parsedSource: unknown, variables: Record<string, unknown>, image: BuildImage): string {
  const document = fill(template, parsedSource, variables) as Record<string, unknown>;
  const env = document.env as Record<string, unknown> | undefined;
  // a store no setting uses is left out rather than written as an empty map
  for (const store of ['parameter-store', 'secrets-manager']) {
    if (env && isMap(env[store]) && Object.keys(env[store]).length === 0) delete env[store];
  }
  const text = `# Rendered by mtpipe from its template ${template}: change mtpipe.yaml and render again rather than editing this file.\n${stringify(document, { lineWidth: 0 })}`;
  // the document itself is checked: parsing the text back would give the same maps, lists and scalars
  validateBuildspecDocument(template, document, image);
  return text;
}

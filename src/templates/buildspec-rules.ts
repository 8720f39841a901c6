// What CodeBuild rejects only when a build runs, checked when mtpipe renders a buildspec.
import { parse } from 'yaml';
import { BUILD_IMAGES } from '../config/schema.js';

/** The build images mtpipe knows, with their runtimes (BUILD_IMAGES). */
export type BuildImage = keyof typeof BUILD_IMAGES;

/** A rendered buildspec CodeBuild would reject: the template and each problem. */
export class BuildspecError extends Error {
  constructor(template: string, problems: string[]) {
    super(`buildspec ${template}: ${problems.join('; ')}`);
    this.name = 'BuildspecError';
  }
}

const PHASES = ['install', 'pre_build', 'build', 'post_build'];

/** Parses a buildspec back and checks what CodeBuild would otherwise reject only when a build runs. */
export function validateBuildspec(template: string, text: string, image: BuildImage): void {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new BuildspecError(template, [`is not valid YAML: ${(error as Error).message}`]);
  }
  validateBuildspecDocument(template, document, image);
}

/** The checks of validateBuildspec on a parsed (or filled) buildspec document. */
export function validateBuildspecDocument(template: string, document: unknown, image: BuildImage): void {
  if (!isMap(document)) throw new BuildspecError(template, ['is not a YAML mapping']);
  const problems: string[] = [];
  if (document.version !== 0.2 && document.version !== '0.2') problems.push(`version must be 0.2 (found ${JSON.stringify(document.version)})`);
  const phases = document.phases;
  if (!isMap(phases) || Object.keys(phases).length === 0) problems.push('has no phases');
  else {
    for (const [phase, body] of Object.entries(phases)) {
      if (!PHASES.includes(phase)) problems.push(`unknown phase "${phase}" (CodeBuild knows ${PHASES.join(', ')})`);
      const commands = isMap(body) ? body.commands : undefined;
      if (commands !== undefined && (!Array.isArray(commands) || !commands.every((c) => typeof c === 'string'))) {
        problems.push(`phases.${phase}.commands must be a list of strings`);
      }
      for (const command of Array.isArray(commands) ? commands : []) {
        if (/\bset\s+(-[a-z]*x|-o\s+xtrace)/.test(String(command))) {
          problems.push(`phases.${phase}: "set -x" would print the values read from Parameter Store and Secrets Manager`);
        }
      }
    }
    const runtimes = isMap(phases.install) ? phases.install['runtime-versions'] : undefined;
    if (isMap(runtimes)) {
      for (const [runtime, version] of Object.entries(runtimes)) {
        const problem = runtimeProblem(runtime, String(version), image);
        if (problem) problems.push(problem);
      }
    }
  }
  if (problems.length > 0) throw new BuildspecError(template, problems);
}

function runtimeProblem(runtime: string, version: string, image: BuildImage): string | undefined {
  const available: Record<string, readonly string[]> = BUILD_IMAGES[image];
  const versions = available[runtime];
  if (!versions) return `runtime ${runtime} is not one mtpipe knows on ${image} (it knows ${Object.keys(available).join(', ')})`;
  if (versions.includes(version)) return undefined;
  const suggestion = runtime === 'nodejs' && versions.includes('22') ? '22' : versions.at(-1);
  const why =
    runtime === 'nodejs' && version === '12'
      ? ' nodejs 12 exists only on the retired aws/codebuild/standard:5.0, which has no python 3.13, and the CDK CLI needs Node.js 18 or later.'
      : '';
  return (
    `${runtime} ${version} is not on ${image} (it has ${versions.join(', ')}): CodeBuild would stop with ` +
    `"YAML_FILE_ERROR: Unknown runtime version named '${version}' of ${runtime}".${why} Use ${runtime}: ${suggestion} (builds.${runtime} in mtpipe.yaml)`
  );
}

export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

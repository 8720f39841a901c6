/**
 * Bootstrap's push (the second half of the seed's step 1): the solution's files and what `mtpipe render`
 * writes, on the repository's branch, as one plan entry — shown and confirmed with the rest, committed
 * after the repository exists and before the pipeline does (a new pipeline starts an execution at once).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { codecommitBranchFiles, type LocalFile } from '../aws/codecommit-branch-files.js';
import { COMMIT_LIMITS } from '../aws/codecommit-commit.js';
import { codecommitRepository } from '../aws/codecommit-repository.js';
import { configuredFunctions, discoverSolution } from '../aws/solution-discovery.js';
import { deploymentGroupName } from '../config/resource-names.js';
import { appSpecExample, configuredHooks } from '../templates/appspec.js';
import { checkSource, defaultMessage, sourceFiles, type PushRequest } from './push.js';
import { resourceId, type Step } from './step.js';

/** The file that marks the sample solution's CDK app: without --source, `.` is pushed only when it has it. */
export const SOLUTION_MARKER = 'deployment/cdk.json';

export interface PushInputs {
  request: PushRequest;
  /** the source directory, absolute */
  dir: string;
  /** why nothing is pushed (no --source and `.` is not the solution) */
  skipped?: string;
  files?: Map<string, LocalFile>;
}

function requestOf(flags: Record<string, unknown>): PushRequest {
  return {
    ...(typeof flags.source === 'string' ? { source: flags.source } : {}),
    ...(typeof flags.message === 'string' ? { message: flags.message } : {}),
    ...(Array.isArray(flags.exclude) ? { exclude: flags.exclude as string[] } : {}),
    ...(Array.isArray(flags.allowFile) ? { allowFile: flags.allowFile as string[] } : {}),
  };
}

const skipReason = (dir: string) => `${dir} holds no ${SOLUTION_MARKER}: pass --source DIR (the solution's directory), or push later with mtpipe push --source DIR`;

export const pushCode: Step<PushInputs> = {
  name: 'push',
  services: () => ['codecommit', 'cloudformation'],

  // files that look like credentials, or too large for the API, are refused before any AWS call
  async validate(_config, flags) {
    const request = requestOf(flags);
    const dir = resolve(request.source ?? '.');
    if (request.source === undefined && !existsSync(join(dir, SOLUTION_MARKER))) return;
    await checkSource(dir, request);
  },

  async resolve({ flags }) {
    const request = requestOf(flags);
    const dir = resolve(request.source ?? '.');
    return { request, dir, ...(request.source === undefined && !existsSync(join(dir, SOLUTION_MARKER)) ? { skipped: skipReason(dir) } : {}) };
  },

  async prepare(inputs, { config, targets }) {
    if (inputs.skipped) return inputs;
    const envNames = targets.environments.map((target) => target.name);
    const appSpec = async () => {
      const first = targets.environments[0];
      const configured = configuredFunctions(config);
      // offline nothing can be discovered: the example then names no function (as render says)
      const functions = configured.length > 0 || !first || first.offline ? configured : (await discoverSolution(first, config)).functions;
      const env = first?.name ?? envNames[0] ?? 'dev';
      return appSpecExample({ env, deploymentGroup: deploymentGroupName(config.project, env), functions, hooks: configuredHooks(config) });
    };
    const files = await sourceFiles(inputs.dir, inputs.request, config, envNames, COMMIT_LIMITS, () => undefined, appSpec);
    return { ...inputs, files };
  },

  desired(inputs, config, { shared }) {
    if (inputs.skipped || !inputs.files) return [];
    const { name, branch } = config.repository;
    return [
      {
        id: resourceId(shared.name, codecommitBranchFiles.kind, `${name}:${branch}`),
        kind: codecommitBranchFiles,
        target: shared,
        spec: { where: { repositoryName: name, branchName: branch }, files: inputs.files, message: inputs.request.message ?? defaultMessage(inputs.dir) },
        dependsOn: [resourceId(shared.name, codecommitRepository.kind, name)],
      },
    ];
  },

  outputs(inputs, config) {
    const where = `${config.repository.name} branch ${config.repository.branch}`;
    if (inputs.skipped) return { notes: [], actions: [`No code pushed: ${inputs.skipped}`], data: { skipped: inputs.skipped } };
    return { notes: [`${where} holds the files of ${inputs.dir} and the rendered buildspecs.`], data: { source: inputs.dir, files: inputs.files?.size ?? 0 } };
  },
};

/** The id of the push's plan entry, for what must come after it (the pipeline). */
export function pushId(sharedName: string, repository: string, branch: string): string {
  return resourceId(sharedName, codecommitBranchFiles.kind, `${repository}:${branch}`);
}

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { environmentParameters } from '../../../src/commands/set-params.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { configSchema, type Config } from '../../../src/config/schema.js';
import {
  renderBuildspecs,
  renderBuildspecSource,
  validateBuildspec,
  type BuildImage,
} from '../../../src/templates/buildspecs.js';
import { templatePath } from '../../../src/templates/render.js';
import { testTarget } from '../../support/target.js';

function config(overrides: Record<string, unknown> = {}): Config {
  return configSchema.parse({ ...defaultConfig('us-east-1'), ...overrides });
}

const SETTINGS = [
  'config_secret_name',
  'input_bucket_name',
  'output_bucket_name',
  'quality_estimation_sgm_endpoint_name',
  'quality_estimation_sgm_image_uri',
  'quality_estimation_sgm_model_name',
  'quality_estimation_sgm_topic_name',
];
const variable = (name: string) => `SETTING_${name.toUpperCase()}`;
/** The command that takes the environment role's credentials when the project names one. */
const ASSUME_ENVIRONMENT_ROLE =
  'if [ -n "${MTPIPE_ENVIRONMENT_ROLE_ARN:-}" ]; then\n' +
  '  CREDENTIALS="$(aws sts assume-role --role-arn "$MTPIPE_ENVIRONMENT_ROLE_ARN" --role-session-name "mtpipe-${MTPIPE_ENV:-build}" --query \'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]\' --output text)" || exit 1\n' +
  '  read -r AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN <<< "$CREDENTIALS"\n' +
  '  export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN\n' +
  '  unset CREDENTIALS\n' +
  'fi\n';
/** The wait for the image's copy in the environment's region (skipped in the build's own region). */
const waitForReplica = (repository: string) =>
  'if [ "$QE_IMAGE_REGION" != "$(printf \'%s\' "$CODEBUILD_BUILD_ARN" | cut -d: -f4)" ]; then\n' +
  '  QE_DEADLINE=$(( $(date +%s) + ${QE_REPLICATION_TIMEOUT_SECONDS:-1800} ))\n' +
  `  until QE_FOUND="$(aws ecr describe-images --region "$QE_IMAGE_REGION" --repository-name '${repository}' --image-ids imageTag="$QE_IMAGE_TAG" --query 'imageDetails[0].imageDigest' --output text 2>&1)"; do\n` +
  '    case "$QE_FOUND" in\n' +
  '      *ImageNotFoundException*) ;;\n' +
  '      *) printf \'%s\\n\' "cannot read $QE_IMAGE_URI: $QE_FOUND" >&2; exit 1 ;;\n' +
  '    esac\n' +
  '    if [ "$(date +%s)" -ge "$QE_DEADLINE" ]; then\n' +
  `      printf '%s\\n' "$QE_IMAGE_URI has not been replicated to $QE_IMAGE_REGION within \${QE_REPLICATION_TIMEOUT_SECONDS:-1800} seconds: check the replication rule of ${repository} (mtpipe create-builds) and aws ecr describe-image-replication-status; images pushed before the rule existed are never replicated (push a new commit)" >&2\n` +
  '      exit 1\n' +
  '    fi\n' +
  '    sleep "${QE_REPLICATION_POLL_SECONDS:-15}"\n' +
  '  done\n' +
  '  printf \'%s\\n\' "image $QE_IMAGE_URI is in $QE_IMAGE_REGION"\n' +
  'fi\n';
const CACHE = { paths: ['/root/.cache/pip/**/*', '/root/.npm/**/*'] };
const STANDARD_7: BuildImage = 'aws/codebuild/standard:7.0';

interface Buildspec {
  env: { 'parameter-store'?: Record<string, string>; 'secrets-manager'?: Record<string, string> };
  phases: Record<string, { commands: string[] }>;
}

/** Every command of every phase, in order. */
const commandsOf = (text: string) => Object.values((parse(text) as Buildspec).phases).flatMap((phase) => phase.commands ?? []);

describe('golden buildspecs (default configuration, environment dev), compared as parsed YAML', () => {
  const files = renderBuildspecs(config(), 'dev');

  it('buildspec.yml: build and test', () => {
    expect(parse(files['buildspec.yml'])).toStrictEqual({
      version: 0.2,
      env: { shell: 'bash', variables: { ECR_REPOSITORY_NAME: 'mt-pipeline-qe' }, 'exported-variables': ['MTPIPE_BUILD_ID'] },
      phases: {
        install: {
          'runtime-versions': { python: '3.13', nodejs: '22' },
          commands: [
            'pip install -r deployment/requirements.txt',
            'if [ -f source/requirements-dev.txt ]; then pip install -r source/requirements-dev.txt; fi',
            'npm install -g aws-cdk',
          ],
        },
        pre_build: {
          commands: [
            'export MTPIPE_BUILD_ID="$CODEBUILD_BUILD_ID"',
            'mkdir -p reports',
            'if [ -d source/tests/unit ]; then\n  status=0\n  python -m pytest source/tests/unit -v --junitxml=reports/unit-tests.xml || status=$?\n  if [ "$status" -ne 0 ] && [ "$status" -ne 5 ]; then exit "$status"; fi\nfi\n',
            'cd deployment',
            'cdk synth',
            'cd ..',
          ],
        },
        build: {
          commands: [
            'IMAGE_TAG="${SOURCE_COMMIT_ID:-${CODEBUILD_RESOLVED_SOURCE_VERSION:-}}"\n' +
              "if [ -z \"$IMAGE_TAG\" ]; then printf '%s\\n' 'no source commit (SOURCE_COMMIT_ID, CODEBUILD_RESOLVED_SOURCE_VERSION): cannot tag the image' >&2; exit 1; fi\n" +
              'export IMAGE_TAG\n' +
              'printf \'%s\' "$IMAGE_TAG" > qe-image-tag.txt\n',
            'if aws ecr describe-images --repository-name "$ECR_REPOSITORY_NAME" --image-ids imageTag="$IMAGE_TAG" > /dev/null 2>&1; then\n' +
              '  printf \'%s\\n\' "image $ECR_REPOSITORY_NAME:$IMAGE_TAG exists already"\n' +
              'else\n' +
              '  (cd source/sagemaker && bash -eo pipefail ./build_and_push.sh)\n' +
              'fi\n',
          ],
        },
      },
      reports: { 'unit-tests': { 'base-directory': 'reports', files: ['unit-tests.xml'], 'file-format': 'JUNITXML' } },
      artifacts: { files: ['deployment/**/*', 'source/**/*', 'buildspec.yml', 'appspec.yml', 'scripts/**/*', 'qe-image-tag.txt', 'sample_data/**/*'], 'discard-paths': 'no' },
      cache: CACHE,
    });
  });

  it('buildspec-deploy.yml: every setting from Parameter Store, each passed as -c, the token included; the image of the commit', () => {
    const read = [...SETTINGS.filter((name) => name !== 'quality_estimation_sgm_image_uri'), 'hugging_face_token'];
    const parameters = Object.fromEntries(read.map((name) => [variable(name), `/mt-pipeline/dev/${name}`]));
    const context = [
      "-c @aws-cdk/core:bootstrapQualifier='hnb659fds'",
      ...read.map((name) =>
        name === 'quality_estimation_sgm_model_name' ? `-c ${name}="$${variable(name)}-$QE_MODEL_SUFFIX"` : `-c ${name}="$${variable(name)}"`,
      ),
      '-c quality_estimation_sgm_image_uri="$QE_IMAGE_URI"',
      "-c marketplace_endpoint_name=''",
    ].join(' ');
    expect(parse(files['buildspec-deploy.yml'])).toStrictEqual({
      version: 0.2,
      env: { shell: 'bash', 'parameter-store': parameters },
      phases: {
        install: { 'runtime-versions': { python: '3.13', nodejs: '22' }, commands: ['pip install -r deployment/requirements.txt', 'npm install -g aws-cdk'] },
        build: {
          commands: [
            'QE_IMAGE_TAG="$(cat qe-image-tag.txt 2>/dev/null || true)"\n' +
              'QE_IMAGE_TAG="${QE_IMAGE_TAG:-${SOURCE_COMMIT_ID:-${CODEBUILD_RESOLVED_SOURCE_VERSION:-}}}"\n' +
              "if [ -z \"$QE_IMAGE_TAG\" ]; then printf '%s\\n' 'no image tag: neither qe-image-tag.txt nor SOURCE_COMMIT_ID nor CODEBUILD_RESOLVED_SOURCE_VERSION' >&2; exit 1; fi\n" +
              'QE_IMAGE_REGION="us-east-1"\n' +
              'QE_IMAGE_URI="$(printf \'%s\' "$CODEBUILD_BUILD_ARN" | cut -d: -f5).dkr.ecr.$QE_IMAGE_REGION.amazonaws.com/mt-pipeline-qe:$QE_IMAGE_TAG"\n' +
              'QE_MODEL_SUFFIX="${QE_IMAGE_TAG:0:8}"\n',
            waitForReplica('mt-pipeline-qe'),
            ASSUME_ENVIRONMENT_ROLE,
            'cd deployment',
            `cdk deploy --all --require-approval never ${context}`,
          ],
        },
      },
      cache: CACHE,
    });
  });

  it('buildspec-test.yml: the smoke test mtpipe render writes, against the environment, with the settings it reads', () => {
    expect(parse(files['buildspec-test.yml'])).toStrictEqual({
      version: 0.2,
      env: {
        shell: 'bash',
        'parameter-store': Object.fromEntries(SETTINGS.map((name) => [variable(name), `/mt-pipeline/dev/${name}`])),
        variables: { SMOKE_STATE_MACHINE: 'BatchMachineTranslationStateMachineCDK', SMOKE_ENDPOINT_NAME: '' },
      },
      phases: {
        install: {
          'runtime-versions': { python: '3.13' },
          commands: ['if [ -f source/requirements-dev.txt ]; then pip install -r source/requirements-dev.txt; fi', 'python -c "import boto3" 2>/dev/null || pip install boto3'],
        },
        build: {
          commands: [
            'mkdir -p reports',
            ASSUME_ENVIRONMENT_ROLE,
            "if [ ! -f scripts/mtpipe-smoke-test.py ]; then printf '%s\\n' 'scripts/mtpipe-smoke-test.py is missing: run mtpipe render in the solution repository and commit what it writes' >&2; exit 1; fi\npython scripts/mtpipe-smoke-test.py\n",
          ],
        },
      },
      reports: { 'integration-tests': { 'base-directory': 'reports', files: ['**/*.xml'], 'file-format': 'JUNITXML' } },
      cache: { paths: ['/root/.cache/pip/**/*'] },
    });
  });

  it('buildspec-test.yml: builds.integrationTestCommand replaces the smoke test; the state machine and endpoint come from solution.*, as the role\'s rights do', () => {
    const own = renderBuildspecs(
      config({ builds: { integrationTestCommand: 'python -m pytest tests/it' }, solution: { stateMachines: ['my-flow'], sagemakerEndpoint: 'my-qe-endpoint' } }),
      'dev',
    )['buildspec-test.yml'];
    expect(commandsOf(own).at(-1)).toBe('python -m pytest tests/it');
    expect((parse(own) as { env: { variables: Record<string, string> } }).env.variables).toStrictEqual({ SMOKE_STATE_MACHINE: 'my-flow', SMOKE_ENDPOINT_NAME: 'my-qe-endpoint' });
  });

  it('each file starts with a line saying where it comes from', () => {
    for (const [name, text] of Object.entries(files)) expect(text.split('\n')[0]).toBe(`# Rendered by mtpipe from its template ${name}: change mtpipe.yaml and render again rather than editing this file.`);
  });
});

describe('the deploy buildspec', () => {
  it("reads exactly the settings set-params writes for the environment (its own included), each from that environment's path", () => {
    const withOwn = config({ environments: { dev: { parameters: { vpc_id: 'vpc-123', input_bucket_name: 'dev-in' } }, prod: {} } });
    // all but the image's: the deploy passes the image build-and-test pushed for the commit
    const written = Object.keys(environmentParameters(withOwn, testTarget({ name: 'dev' }))).filter((name) => name !== 'quality_estimation_sgm_image_uri');
    const deploy = parse(renderBuildspecs(withOwn, 'dev')['buildspec-deploy.yml']) as Buildspec;
    const fromStore = deploy.env['parameter-store']!;
    expect(Object.keys(fromStore).sort()).toEqual([...written, 'hugging_face_token'].map(variable).sort());
    for (const name of [...written, 'hugging_face_token']) {
      expect(fromStore[variable(name)]).toBe(`/mt-pipeline/dev/${name}`);
      expect(commandsOf(renderBuildspecs(withOwn, 'dev')['buildspec-deploy.yml']).at(-1)).toContain(` -c ${name}="$${variable(name)}`);
    }
    // prod has no vpc_id
    expect(renderBuildspecs(withOwn, 'prod')['buildspec-deploy.yml']).not.toContain('vpc_id');
  });

  it('reads the token from Secrets Manager when that is its store, and not from Parameter Store', () => {
    const inSecretsManager = config({ secrets: { huggingFaceToken: { store: 'secretsmanager' } } });
    const deploy = parse(renderBuildspecs(inSecretsManager, 'prod')['buildspec-deploy.yml']) as Buildspec;
    expect(deploy.env['secrets-manager']).toEqual({ SETTING_HUGGING_FACE_TOKEN: 'mt-pipeline/prod/hugging-face-token' });
    expect(Object.keys(deploy.env['parameter-store']!)).toEqual(SETTINGS.filter((name) => name !== 'quality_estimation_sgm_image_uri').map(variable));
    expect(commandsOf(renderBuildspecs(inSecretsManager, 'prod')['buildspec-deploy.yml']).at(-1)).toContain('-c hugging_face_token="$SETTING_HUGGING_FACE_TOKEN"');
  });

  it('never echoes the token: it is named only as a -c argument of cdk deploy, with no set -x anywhere', () => {
    for (const store of ['ssm', 'secretsmanager']) {
      const files = renderBuildspecs(config({ secrets: { huggingFaceToken: { store } } }), 'dev');
      for (const [name, text] of Object.entries(files)) {
        const commands = commandsOf(text);
        const naming = commands.filter((command) => command.includes('SETTING_HUGGING_FACE_TOKEN'));
        expect(naming, name).toEqual(name === 'buildspec-deploy.yml' ? [expect.stringMatching(/^cdk deploy --all --require-approval never /)] : []);
        for (const command of commands) {
          expect(command, name).not.toMatch(/\bset\s+-\w*x|\becho\b|\bprintenv\b|^env$/);
        }
      }
      // only the deploy buildspec reads the token at all
      expect(files['buildspec.yml']).not.toContain('hugging');
      expect(files['buildspec-test.yml']).not.toContain('hugging');
    }
  });

  it("uses the image in the environment's own region, with the partition's DNS suffix, and waits for its replication there", () => {
    const china = configSchema.parse({ ...defaultConfig('cn-north-1'), environments: { dev: {}, prod: { region: 'cn-northwest-1', allowSharedAccount: true } } });
    const [image, wait] = commandsOf(renderBuildspecs(china, 'prod')['buildspec-deploy.yml']).slice(2);
    expect(image).toContain('QE_IMAGE_REGION="cn-northwest-1"\n');
    expect(image).toContain('.dkr.ecr.$QE_IMAGE_REGION.amazonaws.com.cn/mt-pipeline-qe:$QE_IMAGE_TAG"\n');
    expect(wait).toBe(waitForReplica('mt-pipeline-qe'));
    expect(commandsOf(renderBuildspecs(china, 'dev')['buildspec-deploy.yml'])[2]).toContain('QE_IMAGE_REGION="cn-north-1"\n');
  });

  it('refuses two settings that would share one variable', () => {
    const clash = config({ parameters: { ...defaultConfig('us-east-1').parameters as object, 'a.b': 'x', a_b: 'y' } });
    expect(() => renderBuildspecs(clash, 'dev')).toThrow('"a.b" and "a_b" would both become the variable SETTING_A_B: rename one');
  });
});

describe('validation of rendered buildspecs', () => {
  const template = readFileSync(templatePath('buildspec.yml'), 'utf8');
  const variables = { python: '3.13', nodejs: '22', qeImageRepository: 'mt-qe' };

  it("rejects the seed's nodejs 12 next to python 3.13, saying why and what to use", () => {
    expect(() => renderBuildspecSource('buildspec.yml', template, { ...variables, nodejs: '12' }, STANDARD_7)).toThrow(
      'buildspec buildspec.yml: nodejs 12 is not on aws/codebuild/standard:7.0 (it has 18, 20, 22, 24): CodeBuild would stop with ' +
        `"YAML_FILE_ERROR: Unknown runtime version named '12' of nodejs". nodejs 12 exists only on the retired aws/codebuild/standard:5.0, ` +
        'which has no python 3.13, and the CDK CLI needs Node.js 18 or later. Use nodejs: 22 (builds.nodejs in mtpipe.yaml)',
    );
  });

  it('rejects a runtime the chosen image lacks, and one mtpipe does not know', () => {
    expect(() => renderBuildspecSource('buildspec.yml', template, { ...variables, nodejs: '20', python: '3.9' }, 'aws/codebuild/standard:8.0')).toThrow(
      /python 3\.9 is not on aws\/codebuild\/standard:8\.0 \(it has 3\.10, 3\.11, 3\.12, 3\.13, 3\.14\).*Use python: 3\.14 \(builds\.python in mtpipe\.yaml\); nodejs 20 is not on aws\/codebuild\/standard:8\.0 \(it has 22, 24\).*Use nodejs: 22/,
    );
    const withJava = template.replace('nodejs: "{{nodejs}}"', 'nodejs: "{{nodejs}}"\n      java: corretto21');
    expect(() => renderBuildspecSource('buildspec.yml', withJava, variables, STANDARD_7)).toThrow('runtime java is not one mtpipe knows on aws/codebuild/standard:7.0 (it knows nodejs, python)');
  });

  it('rejects a placeholder without a value, and a value without a placeholder', () => {
    const unknown = template.replace('ECR_REPOSITORY_NAME: "{{qeImageRepository}}"', 'ECR_REPOSITORY_NAME: "{{qeImageRepository}}"\n    IMAGE_TAG: "{{imageTag}}"');
    expect(() => renderBuildspecSource('buildspec.yml', unknown, variables, STANDARD_7)).toThrow('template buildspec.yml: placeholder {{imageTag}} has no value');
    expect(() => renderBuildspecSource('buildspec.yml', template, { ...variables, imageTag: 'v1' }, STANDARD_7)).toThrow('template buildspec.yml: no placeholder for {{imageTag}}');
  });

  it('requires version 0.2, known phases with lists of commands, and no set -x', () => {
    expect(() => validateBuildspec('x.yml', 'version: 0.1\nphases:\n  build:\n    commands: [make]\n', STANDARD_7)).toThrow('version must be 0.2 (found 0.1)');
    expect(() => validateBuildspec('x.yml', 'version: 0.2\n', STANDARD_7)).toThrow('has no phases');
    expect(() => validateBuildspec('x.yml', 'version: 0.2\nphases:\n  deploy:\n    commands: [make]\n', STANDARD_7)).toThrow('unknown phase "deploy"');
    expect(() => validateBuildspec('x.yml', 'version: 0.2\nphases:\n  build:\n    commands: make\n', STANDARD_7)).toThrow('phases.build.commands must be a list of strings');
    expect(() => validateBuildspec('x.yml', 'version: 0.2\nphases:\n  build:\n    commands: ["set -ex", make]\n', STANDARD_7)).toThrow('"set -x" would print');
    expect(() => validateBuildspec('x.yml', 'version: 0.2\nphases: [\n', STANDARD_7)).toThrow('is not valid YAML');
    expect(() => validateBuildspec('x.yml', 'version: 0.2\nphases:\n  build:\n    commands: [make]\n', STANDARD_7)).not.toThrow();
  });
});

describe('the context the sample solution expects', () => {
  const deployCommand = (cfg: Config, env = 'dev') => commandsOf(renderBuildspecs(cfg, env)['buildspec-deploy.yml']).find((c) => c.startsWith('cdk deploy'))!;

  it("passes marketplace_endpoint_name empty by default: the sample's cdk.json placeholder would switch it to marketplace mode", () => {
    expect(deployCommand(config())).toMatch(/ -c marketplace_endpoint_name=''$/);
  });

  it('passes marketplace_endpoint_name as configured, once, whether in cdk.context or as a setting', () => {
    const inContext = deployCommand(config({ cdk: { context: { marketplace_endpoint_name: 'my-mp' } } }));
    expect(inContext.match(/marketplace_endpoint_name/g)).toHaveLength(1);
    expect(inContext).toContain("-c marketplace_endpoint_name='my-mp'");
    const asSetting = deployCommand(config({ environments: { dev: { parameters: { marketplace_endpoint_name: 'my-mp' } }, prod: {} } }));
    expect(asSetting.match(/marketplace_endpoint_name/g)).toHaveLength(1);
    expect(asSetting).toContain('-c marketplace_endpoint_name="$SETTING_MARKETPLACE_ENDPOINT_NAME"');
    // prod has no such setting: empty there
    expect(deployCommand(config({ environments: { dev: { parameters: { marketplace_endpoint_name: 'my-mp' } }, prod: {} } }), 'prod')).toMatch(/ -c marketplace_endpoint_name=''$/);
  });

  it('passes the bootstrap qualifier of cdk.qualifier, so that a non-default qualifier finds its roles and bucket', () => {
    expect(deployCommand(config({ cdk: { qualifier: 'mtq1' } }))).toContain("-c @aws-cdk/core:bootstrapQualifier='mtq1'");
  });

  it('config_secret_name is a setting per environment with the sample default, read from Parameter Store like the others', () => {
    const own = config({ environments: { dev: { parameters: { config_secret_name: 'dev-config' } }, prod: {} } });
    expect(environmentParameters(own, testTarget({ name: 'dev' })).config_secret_name).toBe('dev-config');
    expect(environmentParameters(own, testTarget({ name: 'prod' })).config_secret_name).toBe('machine-translation-worklfow-config');
    expect(deployCommand(own)).toContain('-c config_secret_name="$SETTING_CONFIG_SECRET_NAME"');
  });
});

describe('cdk.context: literal, non-secret context values', () => {
  it('are passed to cdk deploy after the settings, each as one shell word (empty and quoted values included)', () => {
    const text = renderBuildspecs(config({ cdk: { context: { marketplace_endpoint_name: '', note: "it's on" } } }), 'dev')['buildspec-deploy.yml'];
    const deploy = commandsOf(text).find((command) => command.startsWith('cdk deploy'))!;
    expect(deploy.endsWith(` -c marketplace_endpoint_name='' -c note='it'\\''s on'`)).toBe(true);
    expect(deploy).toContain(`-c input_bucket_name="$${variable('input_bucket_name')}"`);
  });

  it('a key that is also a solution setting is refused, naming both places', () => {
    const result = configSchema.safeParse({ ...defaultConfig('us-east-1'), cdk: { context: { input_bucket_name: 'x' } } });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toContainEqual(
      expect.objectContaining({ path: ['cdk', 'context', 'input_bucket_name'], message: 'is also a solution setting (parameters.input_bucket_name): give it in one place' }),
    );
  });
});

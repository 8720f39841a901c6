import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { optionName, refuseSecretsInArguments, withoutOptionValues } from '../../../src/config/argv-secrets.js';
import { checkAwsInputs, urlProblem } from '../../../src/config/aws-environment.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { formatIssues } from '../../../src/config/load.js';
import { configSchema } from '../../../src/config/schema.js';
import { UserInputError } from '../../../src/errors.js';

function problems(overrides: Record<string, unknown>): string[] {
  const raw = { ...defaultConfig('us-east-1'), ...overrides };
  const parsed = configSchema.safeParse(raw);
  return parsed.success ? [] : formatIssues(parsed.error.issues, raw);
}

function thrown(run: () => unknown): UserInputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UserInputError);
    return error as UserInputError;
  }
  throw new Error('expected a UserInputError');
}

describe('secrets in the arguments (issue 7 item 5)', () => {
  const token = 'hf_AbCdEfGhIjKlMnOpQrStUvWxYz01234567';

  it('refuses a token-like value anywhere, naming where, never what', () => {
    const error = thrown(() => refuseSecretsInArguments(['set-params', '--description', token, `--x=${token}`]));
    expect(error.problems).toEqual([
      'argument 3 (after --description) looks like a Hugging Face token: secrets are never command-line arguments',
      'the value of --x looks like a Hugging Face token: secrets are never command-line arguments',
    ]);
    expect(error.hint).toContain('HF_TOKEN');
    expect(JSON.stringify(error)).not.toContain(token);
  });

  it('refuses AWS keys; lets ordinary values through', () => {
    expect(thrown(() => refuseSecretsInArguments(['--description', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'])).problems[0]).toContain('AWS secret access key');
    expect(thrown(() => refuseSecretsInArguments(['ASIAIOSFODNN7EXAMPLE'])).problems[0]).toContain('AWS access key');
    expect(() =>
      refuseSecretsInArguments(['release', 'TranslationPromptGeneratorCDK', '--env', 'dev', '--region', 'eu-west-1', '--description', 'hf_ is the token prefix', '--out', 'deployment/buildspecs']),
    ).not.toThrow();
  });

  it('commander errors name an unknown option, not its value', () => {
    expect(optionName('--hf-token=hf_abc')).toBe('--hf-token');
    expect(optionName('-Zsecret')).toBe('-Z');
    expect(withoutOptionValues("error: unknown option '--hf-token=hf_abc'\n")).toBe("error: unknown option '--hf-token'\n");
    expect(withoutOptionValues("error: unknown option '--nope'\n(Did you mean --env?)")).toBe("error: unknown option '--nope'\n(Did you mean --env?)");
  });
});

describe('AWS inputs outside mtpipe.yaml (items 8, 9, 11)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mtpipe-aws-inputs-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('endpoint URLs must be http(s) with a host', () => {
    expect(urlProblem('http://127.0.0.1:5000')).toBeUndefined();
    expect(urlProblem('https://localhost.localstack.cloud:4566')).toBeUndefined();
    expect(urlProblem('notaurl')).toMatch(/is not a URL/);
    expect(urlProblem('ftp://host')).toMatch(/http:\/\/ or https:\/\//);
  });

  it('reads each AWS_ENDPOINT_URL* variable, unless the flag is given or configured endpoints are ignored', async () => {
    const env = { AWS_ENDPOINT_URL_S3: 'bad', AWS_ENDPOINT_URL_SSM: 'http://ok:1' };
    await expect(checkAwsInputs({}, env)).rejects.toThrow('AWS_ENDPOINT_URL_S3: "bad" is not a URL');
    await expect(checkAwsInputs({ endpointUrl: 'http://127.0.0.1:1' }, env)).resolves.toEqual({});
    await expect(checkAwsInputs({}, { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' })).resolves.toEqual({});
  });

  it('a profile must be in the config or credentials file named by AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE', async () => {
    const config = join(dir, 'config');
    const credentials = join(dir, 'credentials');
    await writeFile(config, '[profile dev]\nregion = eu-west-1\nendpoint_url = nope\n[profile my.team]\nregion = eu-west-1\n');
    await writeFile(credentials, '[ci]\naws_access_key_id = a\naws_secret_access_key = b\n');
    const files = { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials };
    await expect(checkAwsInputs({ profile: 'ci' }, files)).resolves.toEqual({});
    await expect(checkAwsInputs({ profile: 'my.team' }, files)).resolves.toEqual({});
    await expect(checkAwsInputs({}, { ...files, AWS_PROFILE: 'nope' })).rejects.toThrow(
      `AWS_PROFILE: no profile "nope" in ${config} or ${credentials} (profiles there: ci, dev, my.team)`,
    );
    await expect(checkAwsInputs({ profile: 'dev' }, files)).rejects.toThrow(`endpoint_url of profile "dev" in ${config}: "nope" is not a URL`);
    await expect(checkAwsInputs({ profile: 'ci' }, { ...files, AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' })).resolves.toEqual({
      notice: 'credentials: profile "ci" (--profile); AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set too and not used',
    });
  });

  it('retry settings the SDK would misread are refused', async () => {
    await expect(checkAwsInputs({}, { AWS_MAX_ATTEMPTS: '0' })).rejects.toThrow('AWS_MAX_ATTEMPTS');
    await expect(checkAwsInputs({}, { AWS_MAX_ATTEMPTS: '3', AWS_RETRY_MODE: 'adaptive' })).resolves.toEqual({});
    await expect(checkAwsInputs({}, { AWS_RETRY_MODE: 'legacy' })).rejects.toThrow('AWS_RETRY_MODE: must be standard or adaptive, not "legacy"');
  });
});

describe('mtpipe.yaml rules AWS would otherwise apply later (item 11, 12)', () => {
  it('accounts: a 12-digit number is taken, a number that lost leading zeros must be quoted', () => {
    expect(configSchema.parse({ ...defaultConfig('us-east-1'), environments: { dev: { account: 123456789012 } } }).environments.dev?.account).toBe('123456789012');
    expect(problems({ environments: { dev: { account: 12345678901 } } })).toEqual([
      'environments.dev.account: is the number 12345678901: write the account id in quotes (e.g. "012345678901"), as YAML drops the leading zeros of a bare number',
    ]);
    expect(problems({ environments: { dev: { account: '1234' } } })).toEqual(['environments.dev.account: must be a 12-digit AWS account id']);
  });

  it('environment names: the name and the rule', () => {
    expect(problems({ environments: { Dev: {} } })).toEqual([expect.stringMatching(/^environments\.Dev: the name "Dev" must be 1-20 characters/)]);
  });

  it('regions: known to the partition data, environments in the tool region\'s partition, roles in theirs', () => {
    expect(problems({ region: 'xx-foo-1' })).toEqual([expect.stringMatching(/^region: unknown region "xx-foo-1" \(nearest known: /)]);
    expect(problems({ environments: { dev: { region: 'cn-north-1' } } })).toEqual([
      'environments.dev.region: is in partition aws-cn, but region us-east-1 is in aws: an environment must be in the partition of the tool region',
    ]);
    expect(problems({ region: 'cn-north-1', environments: { dev: { roleArn: 'arn:aws:iam::111111111111:role/deploy' } } })).toEqual([
      "environments.dev.roleArn: is in partition aws, but the environment's region is in aws-cn",
    ]);
    expect(problems({ environments: { dev: { account: '222222222222', roleArn: 'arn:aws:iam::111111111111:role/deploy' } } })).toEqual([
      'environments.dev.roleArn: is a role in account 111111111111, but environments.dev.account is 222222222222',
    ]);
    expect(problems({ region: 'cn-north-1', environments: { dev: { region: 'cn-northwest-1', roleArn: 'arn:aws-cn:iam::111111111111:role/d' } } })).toEqual([]);
  });

  it('KMS key ids, bucket names and the endpoint name follow AWS\'s forms', () => {
    const kms = (kmsKeyId: string) => problems({ secrets: { huggingFaceToken: { kmsKeyId } } });
    for (const good of ['1234abcd-12ab-34cd-56ef-1234567890ab', 'alias/mt-token', 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab', 'arn:aws-cn:kms:cn-north-1:111111111111:alias/x', 'mrk-1234abcd12ab34cd56ef1234567890ab']) {
      expect(kms(good), good).toEqual([]);
    }
    expect(kms('my key')).toEqual(['secrets.huggingFaceToken.kmsKeyId: must be a KMS key id, key ARN, alias name (alias/…) or alias ARN']);
    const bucket = (artifactBucket: string) => problems({ builds: { artifactBucket } });
    expect(bucket('my..bucket')[0]).toContain('two periods');
    expect(bucket('192.168.1.10')[0]).toContain('IP address');
    expect(bucket('sthree-artifacts')[0]).toContain('reserved');
    expect(bucket('mt-artifacts-1')).toEqual([]);
    expect(problems({ solution: { sagemakerEndpoint: 'qe_endpoint' } })[0]).toMatch(/^solution\.sagemakerEndpoint: must be a SageMaker endpoint name/);
  });
});

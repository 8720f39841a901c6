import type { Targets } from '../../../src/aws/targets.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { configSchema, type Config } from '../../../src/config/schema.js';
import { testTarget } from '../../support/target.js';

/** The tool account (repository, builds, pipeline) and a second account for prod, written out literally. */
export const TOOL_ACCOUNT = '123456789012';
export const PROD_ACCOUNT = '210987654321';
export const TOOL_REGION = 'us-east-1';
export const PROD_REGION = 'eu-west-1';
export const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
export const KEY_ARN = `arn:aws:kms:${TOOL_REGION}:${TOOL_ACCOUNT}:key/${KEY_ID}`;

export interface Variant {
  store: 'ssm' | 'secretsmanager';
  kmsKeyId?: string;
  /** name the solution's state machines, functions, Glue jobs and stacks */
  namedSolution?: boolean;
  /** a CodeConnections source: a connection mtpipe creates, or one given by ARN */
  connection?: 'created' | 'given';
}

/**
 * Two environments: dev in the tool account and region, prod in an account and region of its own,
 * reached through a role (the cross-account case every policy must still scope).
 */
export function configFor(variant: Variant): Config {
  const raw = defaultConfig(TOOL_REGION);
  raw.secrets = { huggingFaceToken: { store: variant.store, ...(variant.kmsKeyId ? { kmsKeyId: variant.kmsKeyId } : {}) } };
  raw.environments = {
    dev: { approval: false },
    prod: {
      account: PROD_ACCOUNT,
      region: PROD_REGION,
      roleArn: `arn:aws:iam::${PROD_ACCOUNT}:role/mtpipe-deployer`,
      approval: true,
      deploymentConfig: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
    },
  };
  if (variant.connection) {
    raw.source = {
      provider: 'codeconnections',
      fullRepositoryId: 'my-org/machine-translation',
      ...(variant.connection === 'given' ? { connectionArn: `arn:aws:codeconnections:${TOOL_REGION}:${TOOL_ACCOUNT}:connection/0a1b2c3d-1111-2222-3333-444455556666` } : {}),
    };
  }
  if (variant.namedSolution) {
    raw.solution = {
      stacks: ['MachineTranslationStack'],
      lambdaFunctions: { TranslationPromptGeneratorCDK: 'mt-prompt-generator' },
      stateMachines: ['mt-translation-workflow'],
      glueJobs: ['mt-batch-job'],
      sagemakerEndpoint: 'MT-QE-Endpoint',
    };
    // a test suite of its own instead of the smoke test: its role gets rights on every named resource
    raw.builds = { integrationTestCommand: 'python -m pytest tests/integration --junitxml=reports/integration.xml' };
  }
  return configSchema.parse(raw);
}

/** Targets as resolveTargets would give them for configFor(), for the selected environments (default both). */
export function targetsFor(selected: string[] = ['dev', 'prod']): Targets {
  const place = { dev: { account: TOOL_ACCOUNT, region: TOOL_REGION }, prod: { account: PROD_ACCOUNT, region: PROD_REGION } } as Record<string, { account: string; region: string }>;
  return {
    shared: testTarget({ name: 'shared' }),
    environments: selected.map((name) => testTarget({ name, ...place[name]! })),
    environmentsInToolAccount: selected.map((name) => testTarget({ name })),
    offline: false,
  };
}

export const VARIANTS: Variant[] = [
  { store: 'ssm' },
  { store: 'ssm', kmsKeyId: 'alias/mt-token' },
  { store: 'ssm', kmsKeyId: KEY_ARN, namedSolution: true },
  { store: 'ssm', kmsKeyId: 'alias/aws/ssm' },
  { store: 'secretsmanager' },
  { store: 'secretsmanager', kmsKeyId: KEY_ID },
  { store: 'secretsmanager', kmsKeyId: `arn:aws:kms:${TOOL_REGION}:${TOOL_ACCOUNT}:alias/mt-token`, namedSolution: true },
  { store: 'ssm', connection: 'created' },
  { store: 'secretsmanager', connection: 'given' },
];

export const describeVariant = (v: Variant) =>
  `token in ${v.store}, ${v.kmsKeyId ? `key ${v.kmsKeyId}` : 'no customer key'}${v.namedSolution ? ', solution resources named' : ''}${v.connection ? `, ${v.connection} CodeConnections connection` : ''}`;

import { describe, expect, it } from 'vitest';
import type { PipelineSpec } from '../../../src/aws/codepipeline-pipeline.js';
import type { RuleSpec } from '../../../src/aws/events-rule.js';
import type { TopicSpec } from '../../../src/aws/sns-topic.js';
import { createPipeline } from '../../../src/commands/create-pipeline.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { configSchema } from '../../../src/config/schema.js';
import type { Desired } from '../../../src/engine/types.js';
import { testTarget } from '../../support/target.js';

function desired(extra: Record<string, unknown> = {}, selected = ['dev', 'prod']): Desired[] {
  const config = configSchema.parse({ ...defaultConfig('us-east-1'), ...extra });
  const targets = {
    shared: testTarget({ name: 'shared' }),
    environments: selected.map((name) => testTarget({ name })),
    environmentsInToolAccount: selected.map((name) => testTarget({ name })),
    offline: false,
  };
  return createPipeline.desired({}, config, targets);
}

const ids = (items: Desired[]) => items.map((item) => item.id).sort();
const spec = <T>(items: Desired[], id: string) => items.find((item) => item.id === id)?.spec as T;

describe('create-pipeline: what it plans', () => {
  it('default: key, both topics, the pipeline, its trigger and the failure rule, on references to what earlier steps make', () => {
    const items = desired();
    expect(ids(items)).toEqual(
      [
        'shared/codebuild:project/mt-pipeline-build-and-test',
        'dev/codebuild:project/mt-pipeline-cdk-deploy-dev',
        'dev/codebuild:project/mt-pipeline-integration-test-dev',
        'prod/codebuild:project/mt-pipeline-cdk-deploy-prod',
        'prod/codebuild:project/mt-pipeline-integration-test-prod',
        'shared/codepipeline:pipeline/mt-pipeline-pipeline',
        'shared/events:rule/mt-pipeline-pipeline-failed',
        'shared/events:rule/mt-pipeline-pipeline-trigger',
        'shared/iam:role/mt-pipeline-events',
        'shared/iam:role/mt-pipeline-pipeline',
        'shared/kms:key/alias/mt-pipeline-notifications',
        'shared/s3:bucket/mt-pipeline-artifacts-123456789012-us-east-1',
        'shared/sns:topic/mt-pipeline-approvals',
        'shared/sns:topic/mt-pipeline-pipeline-alerts',
      ].sort(),
    );
    const references = items.filter((item) => item.kind.isReference).map((item) => item.id);
    expect(references).toHaveLength(8);
    const pipeline = items.find((item) => item.id === 'shared/codepipeline:pipeline/mt-pipeline-pipeline')!;
    expect(pipeline.dependsOn).toEqual(expect.arrayContaining(['shared/iam:role/mt-pipeline-pipeline', 'shared/sns:topic/mt-pipeline-approvals', 'prod/codebuild:project/mt-pipeline-cdk-deploy-prod']));
    expect((pipeline.spec as PipelineSpec).tags).toEqual({ 'mtpipe:project': 'mt-pipeline', 'mtpipe:env': 'shared' });
    expect(items.find((item) => item.id === 'shared/events:rule/mt-pipeline-pipeline-trigger')!.dependsOn).toEqual([
      'shared/codepipeline:pipeline/mt-pipeline-pipeline',
      'shared/iam:role/mt-pipeline-events',
    ]);
  });

  it('the single pipeline deploys to every environment even when one is selected (--env prod)', () => {
    const pipeline = spec<PipelineSpec>(desired({}, ['prod']), 'shared/codepipeline:pipeline/mt-pipeline-pipeline');
    expect(pipeline.declaration.stages!.map((s) => s.name)).toContain('Deploy-dev');
  });

  it('per-environment with --env dev: only the dev pipeline and its trigger; the failure rule still watches both', () => {
    const items = desired({ pipeline: { layout: 'per-environment' } }, ['dev']);
    expect(ids(items).filter((id) => id.includes('codepipeline:') || id.includes('events:'))).toEqual([
      'shared/codepipeline:pipeline/mt-pipeline-dev-pipeline',
      'shared/events:rule/mt-pipeline-dev-pipeline-trigger',
      'shared/events:rule/mt-pipeline-pipeline-failed',
    ]);
    expect((spec<RuleSpec>(items, 'shared/events:rule/mt-pipeline-pipeline-failed').eventPattern.resources as string[]).length).toBe(2);
  });

  it('codeconnections: a connection the pipeline waits for, no trigger rule and no events role', () => {
    const items = desired({ source: { provider: 'codeconnections', fullRepositoryId: 'o/r', connectionProvider: 'Bitbucket' } });
    expect(ids(items)).toContain('shared/codeconnections:connection/mt-pipeline');
    expect(ids(items).filter((id) => id.includes('trigger') || id.endsWith('mt-pipeline-events'))).toEqual([]);
    const pipeline = items.find((item) => item.id === 'shared/codepipeline:pipeline/mt-pipeline-pipeline')!;
    expect(pipeline.dependsOn).toContain('shared/codeconnections:connection/mt-pipeline');
    expect((pipeline.spec as PipelineSpec).connection).toEqual({ name: 'mt-pipeline', providerType: 'Bitbucket' });
  });

  it('a given connection ARN is read (a reference), and written into the declaration', () => {
    const arn = 'arn:aws:codeconnections:us-east-1:123456789012:connection/abc-123';
    const items = desired({ source: { provider: 'codeconnections', fullRepositoryId: 'o/r', connectionArn: arn } });
    const connection = items.find((item) => item.id === `shared/codeconnections:connection/${arn}`)!;
    expect(connection.kind.isReference).toBe(true);
    const pipeline = spec<PipelineSpec>(items, 'shared/codepipeline:pipeline/mt-pipeline-pipeline');
    expect(pipeline.connection).toBeUndefined();
    expect(pipeline.declaration.stages![0]!.actions![0]!.configuration?.ConnectionArn).toBe(arn);
  });

  it('encryption none: no key, unencrypted topics; no environment with approval: no approvals topic, no Approve stage', () => {
    const items = desired({ notifications: { encryption: 'none' }, environments: { dev: {}, prod: { approval: false } } });
    expect(ids(items).filter((id) => id.includes('kms:') || id.includes('approvals'))).toEqual([]);
    expect(spec<TopicSpec>(items, 'shared/sns:topic/mt-pipeline-pipeline-alerts').kmsMasterKeyId).toBeUndefined();
    expect(spec<PipelineSpec>(items, 'shared/codepipeline:pipeline/mt-pipeline-pipeline').declaration.stages!.map((s) => s.name)).toEqual([
      'Source',
      'BuildAndTest',
      'Deploy-dev',
      'Test-dev',
      'Deploy-prod',
      'Test-prod',
    ]);
  });
});

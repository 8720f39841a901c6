import { describe, expect, it } from 'vitest';
import { monitoringSchema } from '../../../src/config/monitoring-schema.js';

describe('dashboard settings', () => {
  it("defaults to the sample's Bedrock models and 90 days of pipeline events", () => {
    expect(monitoringSchema.parse(undefined).dashboards).toEqual({
      bedrockModelIds: ['us.amazon.nova-pro-v1:0', 'amazon.titan-embed-text-v2:0'],
      pipelineEventsRetentionDays: 90,
    });
  });

  it('refuses a quality-metric dimension whose value no dashboard could know', () => {
    const issue = monitoringSchema.safeParse({ qualityMetric: { dimensions: ['LanguagePair'] } }).error?.issues[0];
    expect(issue?.path).toEqual(['qualityMetric', 'dimensions', 0]);
    expect(issue?.message).toBe('must be one of StateMachine, Environment, Project (the dashboards must know each value)');
  });

  it('refuses a retention CloudWatch Logs does not offer', () => {
    const issue = monitoringSchema.safeParse({ dashboards: { pipelineEventsRetentionDays: 45 } }).error?.issues[0];
    expect(issue?.path).toEqual(['dashboards', 'pipelineEventsRetentionDays']);
    expect(issue?.message).toMatch(/^must be one of 1, 3, 5, 7, 14, 30, 60, 90/);
  });
});

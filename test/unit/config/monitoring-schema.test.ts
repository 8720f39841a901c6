import { describe, expect, it } from 'vitest';
import { monitoringSchema } from '../../../src/config/monitoring-schema.js';

describe('monitoring settings', () => {
  it('fills every alarm with its defaults when nothing is configured', () => {
    const monitoring = monitoringSchema.parse(undefined);
    expect(monitoring.alarms.lambdaErrors).toEqual({ threshold: 1, period: 300, evaluationPeriods: 1, datapointsToAlarm: 1 });
    expect(monitoring.alarms.executionTime.threshold).toBe(3600);
    expect(monitoring.qualityMetric).toEqual({ namespace: 'MachineTranslation', metric: 'QualityScore', dimensions: ['StateMachine'], lowScoreThreshold: 0.7 });
    expect(monitoring.tracing.enabled).toBe(true);
  });

  it('keeps the defaults of the fields a partial setting leaves out', () => {
    expect(monitoringSchema.parse({ alarms: { lambdaErrors: { threshold: 3 } } }).alarms.lambdaErrors).toEqual({ threshold: 3, period: 300, evaluationPeriods: 1, datapointsToAlarm: 1 });
  });

  it('names the rule of a period CloudWatch refuses', () => {
    const issue = monitoringSchema.safeParse({ alarms: { lambdaErrors: { period: 45 } } }).error?.issues[0];
    expect(issue?.path).toEqual(['alarms', 'lambdaErrors', 'period']);
    expect(issue?.message).toMatch(/10, 30 or a multiple of 60/);
  });

  it('refuses more datapoints than evaluation periods', () => {
    const issue = monitoringSchema.safeParse({ alarms: { executionsFailed: { evaluationPeriods: 2, datapointsToAlarm: 3 } } }).error?.issues[0];
    expect(issue?.path).toEqual(['alarms', 'executionsFailed', 'datapointsToAlarm']);
  });
});

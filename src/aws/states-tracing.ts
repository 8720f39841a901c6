/**
 * The X-Ray tracing of a Step Functions state machine that CDK made (the solution's): read and reported,
 * never written. The sample enables it in its stack (`tracing_enabled=True`), and CDK then grants the
 * state machine's role the X-Ray rights it needs. A state machine found without tracing means the stack
 * says so (or is older): setting it beside CloudFormation would also need those rights on CDK's role,
 * and the next `cdk deploy` would turn it off again. setup-monitoring reports it as an action instead.
 */
import { sdk } from './sdk.js';
import type { ResourceKind } from '../engine/types.js';
import { isStateMachineNotFound, unlessAbsent } from './errors.js';

export interface StateMachineTracingSpec {
  name: string;
  arn: string;
}

export interface StateMachineTracing {
  /** tracingConfiguration.enabled (false when absent) */
  enabled: boolean;
  roleArn: string | undefined;
}

export const stateMachineTracing: ResourceKind<StateMachineTracingSpec, StateMachineTracing> = {
  kind: 'states:tracing',
  name: (spec) => spec.name,

  async find(target, spec) {
    const { DescribeStateMachineCommand, SFNClient } = await sdk.sfn();
    const found = await unlessAbsent(target.clients.get(SFNClient).send(new DescribeStateMachineCommand({ stateMachineArn: spec.arn })), isStateMachineNotFound);
    return found && { enabled: found.tracingConfiguration?.enabled ?? false, roleArn: found.roleArn };
  },

  // verified, never written: what is found is reported by setup-monitoring's outputs
  diff: () => [],
  check: (current, spec) => (current ? undefined : `state machine ${spec.name} does not exist (any more): deploy the solution (cdk deploy) and run again`),
  create: async (_target, spec) => {
    throw new Error(`internal: state machine ${spec.name} is the solution's (CDK): mtpipe only reads its tracing`);
  },
  update: async () => ({}),
  arnOf: (_target, spec) => spec.arn,
  // another tool's resource, only read (see engine/reference.ts)
  isReference: true,
};

import { DescribeRuleCommand, EventBridgeClient, ListTagsForResourceCommand, ListTargetsByRuleCommand, ResourceNotFoundException } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { eventsRule, type RuleSpec } from '../../../src/aws/events-rule.js';
import { testTarget } from '../../support/target.js';
import { sentCommands } from '../aws/mock-sdk.js';
import { indexHolds } from '../aws/tag-index-mock.js';

const events = mockClient(EventBridgeClient);
const target = testTarget();
const ARN = 'arn:aws:events:us-east-1:123456789012:rule/mt-pipeline-trigger';
const TAGS = { 'mtpipe:project': 'mt', 'mtpipe:env': 'shared' };
const PATTERN = { source: ['aws.codecommit'] };
const TARGET = { Id: 'pipeline', Arn: 'arn:aws:codepipeline:us-east-1:123456789012:mt-pipeline' };
const spec: RuleSpec = { name: 'mt-pipeline-trigger', description: 'starts the pipeline', eventPattern: PATTERN, targets: [TARGET], tags: TAGS };
const described = { Name: spec.name, Arn: ARN, Description: spec.description, EventPattern: JSON.stringify(PATTERN), State: 'ENABLED' as const };

beforeEach(() => {
  events.reset();
  indexHolds([target]);
});

describe('events:rule find', () => {
  it('sends DescribeRule and ListTargetsByRule at once, and reads no tags the project tag index holds', async () => {
    indexHolds([target], { [ARN]: { ...TAGS, team: 'ml' } });
    let answer: (value: object) => void = () => undefined;
    events.on(DescribeRuleCommand).callsFake(() => new Promise((resolve) => (answer = resolve)));
    events.on(ListTargetsByRuleCommand).resolves({ Targets: [TARGET] });

    const reading = eventsRule.find(target, spec);
    await vi.waitFor(() => expect(events).toHaveReceivedCommand(ListTargetsByRuleCommand));
    answer(described);
    const found = await reading;
    expect(found).toStrictEqual({ arn: ARN, description: spec.description, eventPattern: PATTERN, state: 'ENABLED', targets: [TARGET], tags: { ...TAGS, team: 'ml' } });
    expect(eventsRule.diff(found, spec)).toStrictEqual([]);
    expect(events).not.toHaveReceivedCommand(ListTagsForResourceCommand);
  });

  it('reads the tags of a rule the index does not hold with ListTagsForResource', async () => {
    events.on(DescribeRuleCommand).resolves(described);
    events.on(ListTargetsByRuleCommand).resolves({ Targets: [] });
    events.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'team', Value: 'other' }] });

    expect((await eventsRule.find(target, spec))?.tags).toStrictEqual({ team: 'other' });
    expect(sentCommands(events).filter(([name]) => name === 'ListTagsForResourceCommand')).toStrictEqual([['ListTagsForResourceCommand', { ResourceARN: ARN }]]);
  });

  it('is undefined when the rule does not exist (ListTargetsByRule fails then too), and rethrows other errors', async () => {
    const missing = () => new ResourceNotFoundException({ message: 'Rule mt-pipeline-trigger does not exist.', $metadata: {} });
    events.on(DescribeRuleCommand).rejectsOnce(missing()).rejectsOnce(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    events.on(ListTargetsByRuleCommand).rejects(missing());

    await expect(eventsRule.find(target, spec)).resolves.toBeUndefined();
    await expect(eventsRule.find(target, spec)).rejects.toThrow('denied');
    expect(events).not.toHaveReceivedCommand(ListTagsForResourceCommand);
  });
});

import { describe, expect, it } from 'vitest';
import { ssmParameter, ssmParameterBatch } from '../../../src/aws/ssm-parameter.js';
import { batchParameters, planDestroy } from '../../../src/commands/destroy-plan.js';
import type { Change, Desired, ResourceKind } from '../../../src/engine/types.js';
import { FakeKind, fakeTarget, want } from '../engine/fakes.js';

const OURS = { 'mtpipe:project': 'mt' };
const options = { project: 'mt', region: 'eu-west-1', includeData: false, concurrency: 4 };
const names = (changes: Change[]) => changes.map((change) => change.desired.kind.name(change.desired.spec));
const depsOf = (changes: Change[], name: string) => changes.find((change) => change.desired.id === name)?.desired.dependsOn;

describe('what destroy deletes, and in which order', () => {
  it('every deletion waits for what depended on it, also through a resource that is not deleted', async () => {
    const kind = new FakeKind();
    for (const name of ['mt-role', 'mt-policy', 'mt-pipeline', 'mt-rule']) kind.put('dev', { name, value: 'v1', tags: OURS });
    // mt-topic does not exist: the rule that depends on it still goes before the role the topic needs
    const desired = [
      want(kind, 'mt-role'),
      want(kind, 'mt-policy', { dependsOn: ['mt-role'] }),
      want(kind, 'mt-pipeline', { dependsOn: ['mt-role'] }),
      want(kind, 'mt-topic', { dependsOn: ['mt-role'] }),
      want(kind, 'mt-rule', { dependsOn: ['mt-topic'] }),
    ];
    const { deletions, kept } = await planDestroy(desired, [], options);
    expect(kept).toEqual([]);
    expect(deletions.every((change) => change.action === 'delete')).toBe(true);
    expect(names(deletions)).toEqual(['mt-policy', 'mt-pipeline', 'mt-rule', 'mt-role']);
    expect(depsOf(deletions, 'mt-role')?.sort()).toEqual(['mt-pipeline', 'mt-policy', 'mt-rule']);
    expect(depsOf(deletions, 'mt-policy')).toEqual([]);
  });

  it('absent resources are not planned; a resource scheduled for deletion already is not either', async () => {
    const kind = new FakeKind();
    kind.put('dev', { name: 'mt-secret', value: 'v1', tags: OURS });
    (kind as unknown as ResourceKind<unknown, unknown>).scheduledForDeletion = () => true;
    const { deletions, kept } = await planDestroy([want(kind, 'mt-gone'), want(kind, 'mt-secret')], [], options);
    expect(deletions).toEqual([]);
    expect(kept).toEqual([]);
  });

  it("keeps another project's, untagged and CloudFormation's resources, and what hangs on them, saying why", async () => {
    const kind = new FakeKind();
    kind.put('dev', { name: 'mt-theirs', value: 'v1', tags: { 'mtpipe:project': 'other' } });
    kind.put('dev', { name: 'mt-policy-on-theirs', value: 'v1', tags: OURS });
    kind.put('dev', { name: 'mt-untagged', value: 'v1', tags: {} });
    kind.put('dev', { name: 'mt-stack-made', value: 'v1', tags: { ...OURS, 'aws:cloudformation:stack-name': 'MtStack' } });
    const desired = [want(kind, 'mt-theirs'), want(kind, 'mt-policy-on-theirs', { dependsOn: ['mt-theirs'] }), want(kind, 'mt-untagged'), want(kind, 'mt-stack-made')];
    const { deletions, kept } = await planDestroy(desired, [], options);
    expect(deletions).toEqual([]);
    expect(kept.map(({ name, reason }) => [name, reason])).toEqual([
      ['mt-theirs', 'not-owned'],
      ['mt-policy-on-theirs', 'not-owned'],
      ['mt-untagged', 'not-owned'],
      ['mt-stack-made', 'cloudformation'],
    ]);
    expect(kept[0]?.detail).toBe('not owned: no tag mtpipe:project=mt');
    expect(kept[3]?.detail).toBe('managed by CloudFormation (stack MtStack)');
  });

  it('a kind that cannot carry tags is the project\'s by its name prefix', async () => {
    const kind = new FakeKind({ kind: 'iam:group' });
    kind.tagsOf = () => undefined;
    kind.put('dev', { name: 'mt-developers', value: 'v1' }).put('dev', { name: 'developers', value: 'v1' });
    const { deletions, kept } = await planDestroy([want(kind, 'mt-developers'), want(kind, 'developers')], [], options);
    expect(names(deletions)).toEqual(['mt-developers']);
    expect(kept.map(({ name, reason }) => [name, reason])).toEqual([['developers', 'not-owned']]);
  });

  it('keeps the repository, buckets and images unless includeData', async () => {
    const bucket = new FakeKind({ kind: 's3:bucket' });
    const repository = new FakeKind({ kind: 'codecommit:repository' });
    const images = new FakeKind({ kind: 'ecr:repository' });
    for (const kind of [bucket, repository, images]) kind.put('dev', { name: `mt-${kind.kind}`, value: 'v1', tags: OURS });
    const desired = [bucket, repository, images].map((kind) => want(kind, `mt-${kind.kind}`));
    const without = await planDestroy(desired, [], options);
    expect(without.deletions).toEqual([]);
    expect(without.kept.map((k) => [k.kind, k.detail])).toEqual([
      ['s3:bucket', 'data: kept without --include-data'],
      ['codecommit:repository', 'data: kept without --include-data'],
      ['ecr:repository', 'data: kept without --include-data'],
    ]);
    const withData = await planDestroy(desired, [], { ...options, includeData: true });
    expect(withData.deletions.map((change) => change.desired.kind.kind)).toEqual(['s3:bucket', 'codecommit:repository', 'ecr:repository']);
    expect(withData.kept).toEqual([]);
  });

  it('references (read for another step, such as the solution stacks) are never deleted', async () => {
    const stack = new FakeKind({ kind: 'cloudformation:stack' });
    (stack as unknown as { isReference: boolean }).isReference = true;
    stack.put('dev', { name: 'MtStack', value: 'v1', tags: OURS });
    const { deletions } = await planDestroy([want(stack, 'MtStack')], [], options);
    expect(deletions).toEqual([]);
  });
});

describe('SSM parameters deleted in batches', () => {
  const target = fakeTarget('dev');
  const param = (name: string): Change => ({
    desired: { id: name, kind: ssmParameter as ResourceKind<unknown, unknown>, spec: { name, type: 'String', value: undefined, tags: {} }, target, dependsOn: [] } as Desired,
    action: 'delete',
    diffs: [],
    current: {},
  });

  it('one batch per target; what waited for a parameter waits for its batch; results come back one per parameter', () => {
    const other = new FakeKind();
    const key: Change = { desired: { ...want(other, 'mt-key', { target }), dependsOn: ['/mt/dev/a'] }, action: 'delete', diffs: [] };
    const { changes, expand } = batchParameters([param('/mt/dev/a'), key, param('/mt/dev/b')]);
    expect(changes.map((change) => [change.desired.id, change.desired.kind, change.desired.dependsOn])).toEqual([
      ['mt-key', other, ['dev/ssm:parameter/#batch']],
      ['dev/ssm:parameter/#batch', ssmParameterBatch, []],
    ]);
    expect(changes[1]?.desired.spec).toEqual({ names: ['/mt/dev/a', '/mt/dev/b'] });
    const results = expand([
      { id: 'mt-key', kind: 'fake:thing', name: 'mt-key', env: 'dev', status: 'deleted' },
      { id: 'dev/ssm:parameter/#batch', kind: 'ssm:parameter', name: '2 parameters', env: 'dev', status: 'deleted' },
    ]);
    expect(results.map((result) => [result.name, result.status])).toEqual([
      ['mt-key', 'deleted'],
      ['/mt/dev/a', 'deleted'],
      ['/mt/dev/b', 'deleted'],
    ]);
  });
});

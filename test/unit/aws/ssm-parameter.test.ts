import {
  AddTagsToResourceCommand,
  DeleteParameterCommand,
  DescribeParametersCommand,
  GetParametersCommand,
  ListTagsForResourceCommand,
  ParameterNotFound,
  PutParameterCommand,
  TooManyUpdates,
  type Parameter,
} from '@aws-sdk/client-ssm';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { SSM_DEFAULT_KEY, ssmParameter, type ParameterSpec, type StoredParameter } from '../../../src/aws/ssm-parameter.js';
import { testTarget } from '../../support/target.js';
import { resetSdkMocks, sentCommands, ssmMock } from './mock-sdk.js';
import { indexHolds } from './tag-index-mock.js';

const target = testTarget({ name: 'dev' });
const TAGS = { 'mtpipe:project': 'mt', 'mtpipe:env': 'dev' };
const TAG_LIST = [
  { Key: 'mtpipe:project', Value: 'mt' },
  { Key: 'mtpipe:env', Value: 'dev' },
];
const TOKEN = '/mt/dev/hugging_face_token';

const plain = (name: string, value = `value-of-${name}`): ParameterSpec => ({ name: `/mt/dev/${name}`, type: 'String', value, tags: TAGS });
const secret = (value: string | undefined, keyId?: string): ParameterSpec => ({
  name: TOKEN,
  type: 'SecureString',
  value,
  ...(keyId ? { keyId } : {}),
  tags: TAGS,
});
const stored = (spec: ParameterSpec, overrides: Partial<StoredParameter> = {}): StoredParameter => ({
  name: spec.name,
  type: spec.type,
  value: spec.value ?? 'hf_stored',
  ...(spec.type === 'SecureString' ? { keyId: SSM_DEFAULT_KEY } : {}),
  tags: { ...TAGS },
  ...overrides,
});

/** An account holding these parameters: GetParameters answers like SSM, missing names in InvalidParameters. */
function account(parameters: Parameter[]): void {
  ssmMock.on(GetParametersCommand).callsFake((input: { Names: string[] }) => ({
    Parameters: parameters.filter((p) => input.Names.includes(p.Name!)),
    InvalidParameters: input.Names.filter((name) => !parameters.some((p) => p.Name === name)),
  }));
  ssmMock.on(ListTagsForResourceCommand).resolves({ TagList: TAG_LIST });
  ssmMock.on(DescribeParametersCommand).resolves({ Parameters: [{ Name: TOKEN, Type: 'SecureString', KeyId: 'alias/mt-key' }] });
}

beforeEach(() => {
  resetSdkMocks();
  indexHolds([target]);
});

describe('ssmParameter.findMany', () => {
  it('reads 12 parameters in 2 GetParameters calls of at most 10 names, decrypted, in order', async () => {
    const specs = [...Array.from({ length: 11 }, (_, i) => plain(`p${String(i + 1).padStart(2, '0')}`)), secret('hf_new')];
    const missing = new Set(['/mt/dev/p03', '/mt/dev/p11']);
    account([
      ...specs.filter((s) => s.type === 'String' && !missing.has(s.name)).map((s) => ({ Name: s.name, Type: 'String' as const, Value: s.value })),
      { Name: TOKEN, Type: 'SecureString', Value: 'hf_stored' },
    ]);

    const found = await ssmParameter.findMany!(target, specs);

    const gets = ssmMock.commandCalls(GetParametersCommand).map((call) => call.args[0].input);
    expect(gets).toStrictEqual([
      { Names: specs.slice(0, 10).map((s) => s.name), WithDecryption: true },
      { Names: ['/mt/dev/p11', TOKEN], WithDecryption: true },
    ]);
    expect(found).toHaveLength(12);
    expect(found[2]).toBeUndefined();
    expect(found[10]).toBeUndefined();
    expect(found[0]).toStrictEqual({ name: '/mt/dev/p01', type: 'String', value: 'value-of-p01', tags: TAGS });
    expect(found[11]).toStrictEqual({ name: TOKEN, type: 'SecureString', value: 'hf_stored', keyId: 'alias/mt-key', tags: TAGS });
    expect(found.map((p) => p?.name)).toStrictEqual(specs.map((s) => (missing.has(s.name) ? undefined : s.name)));
  });

  it('asks DescribeParameters about the directory of the SecureStrings, and reads tags only of found parameters', async () => {
    account([{ Name: '/mt/dev/a', Type: 'String', Value: 'x' }, { Name: TOKEN, Type: 'SecureString', Value: 'hf' }]);

    await ssmParameter.findMany!(target, [plain('a'), plain('missing'), secret(undefined)]);
    expect(ssmMock).toHaveReceivedCommandExactlyOnceWith(DescribeParametersCommand, {
      ParameterFilters: [{ Key: 'Path', Option: 'Recursive', Values: ['/mt/dev'] }],
    });
    const tagged = ssmMock.commandCalls(ListTagsForResourceCommand).map((call) => call.args[0].input.ResourceId).sort();
    expect(tagged).toStrictEqual(['/mt/dev/a', TOKEN]);
  });

  it('does not call DescribeParameters when no spec wants a SecureString', async () => {
    account([{ Name: '/mt/dev/a', Type: 'String', Value: 'x' }]);

    const [a] = await ssmParameter.findMany!(target, [plain('a')]);
    expect(a).toBeDefined();
    expect(ssmMock).not.toHaveReceivedCommand(DescribeParametersCommand);
  });

  it('sends GetParameters and DescribeParameters at once: the key read needs only the names', async () => {
    account([{ Name: TOKEN, Type: 'SecureString', Value: 'hf' }]);
    let answer: (value: object) => void = () => undefined;
    ssmMock.on(GetParametersCommand).callsFake(() => new Promise((resolve) => (answer = resolve)));

    const reading = ssmParameter.findMany!(target, [secret(undefined)]);
    await vi.waitFor(() => expect(ssmMock).toHaveReceivedCommand(DescribeParametersCommand));
    answer({ Parameters: [{ Name: TOKEN, Type: 'SecureString', Value: 'hf' }] });
    expect((await reading)[0]).toStrictEqual(stored(secret(undefined), { value: 'hf', keyId: 'alias/mt-key' }));
  });

  it('reads no ListTagsForResource for a parameter the project tag index holds', async () => {
    account([{ Name: '/mt/dev/a', Type: 'String', Value: 'x' }, { Name: '/mt/dev/b', Type: 'String', Value: 'y' }]);
    indexHolds([target], { 'arn:aws:ssm:us-east-1:123456789012:parameter/mt/dev/a': { ...TAGS, team: 'ml' } });

    const [a, b] = await ssmParameter.findMany!(target, [plain('a'), plain('b')]);
    expect(a?.tags).toStrictEqual({ ...TAGS, team: 'ml' });
    expect(b?.tags).toStrictEqual(TAGS);
    // b is not in the index (untagged, another project's, or tagged moments ago): its own read answers
    expect(sentCommands(ssmMock).filter(([name]) => name === 'ListTagsForResourceCommand')).toStrictEqual([
      ['ListTagsForResourceCommand', { ResourceType: 'Parameter', ResourceId: '/mt/dev/b' }],
    ]);
  });

  it('find reads one parameter the same way', async () => {
    account([]);

    await expect(ssmParameter.find(target, plain('gone'))).resolves.toBeUndefined();
    expect(sentCommands(ssmMock)).toStrictEqual([['GetParametersCommand', { Names: ['/mt/dev/gone'], WithDecryption: true }]]);
  });
});

describe('ssmParameter.diff and check', () => {
  it('flags a different SecureString value as secret', () => {
    const spec = secret('hf_new');
    expect(ssmParameter.diff(stored(spec, { value: 'hf_old' }), spec)).toStrictEqual([
      { field: 'value', from: 'hf_old', to: 'hf_new', secret: true },
    ]);
  });

  it('does not flag a plain String value as secret', () => {
    const spec = plain('bucket', 'new-bucket');
    expect(ssmParameter.diff(stored(spec, { value: 'old-bucket' }), spec)).toStrictEqual([
      { field: 'value', from: 'old-bucket', to: 'new-bucket' },
    ]);
  });

  it('does not compare the value when no token was given, and check() is then satisfied by an existing parameter', () => {
    const spec = secret(undefined);
    const current = stored(spec, { value: 'hf_stored' });
    expect(ssmParameter.diff(current, spec)).toStrictEqual([]);
    expect(ssmParameter.check!(current, spec)).toBeUndefined();
  });

  it('check() reports a missing value only when the parameter does not exist', () => {
    expect(ssmParameter.check!(undefined, secret(undefined))).toContain(TOKEN);
    expect(ssmParameter.check!(undefined, secret('hf_new'))).toBeUndefined();
  });

  it('lists the fields of a new SecureString, value marked secret and default key', () => {
    expect(ssmParameter.diff(undefined, secret('hf_new'))).toStrictEqual([
      { field: 'type', to: 'SecureString' },
      { field: 'value', to: 'hf_new', secret: true },
      { field: 'keyId', to: SSM_DEFAULT_KEY },
      { field: 'tags', to: TAGS },
    ]);
  });

  it('compares the KMS key of a SecureString, treating none as alias/aws/ssm', () => {
    expect(ssmParameter.diff(stored(secret('hf'), { keyId: undefined }), secret('hf'))).toStrictEqual([]);
    expect(ssmParameter.diff(stored(secret('hf')), secret('hf', 'alias/mt-key'))).toStrictEqual([
      { field: 'keyId', from: SSM_DEFAULT_KEY, to: 'alias/mt-key' },
    ]);
  });

  it('ignores tags others added', () => {
    const spec = plain('a');
    expect(ssmParameter.diff(stored(spec, { tags: { ...TAGS, team: 'nlp' } }), spec)).toStrictEqual([]);
  });
});

describe('ssmParameter.update', () => {
  beforeEach(() => {
    ssmMock.on(PutParameterCommand).resolves({ Version: 2 });
    ssmMock.on(AddTagsToResourceCommand).resolves({});
    ssmMock.on(DescribeParametersCommand).callsFake((input: { ParameterFilters: { Values: string[] }[] }) => ({
      Parameters: [{ Name: input.ParameterFilters[0]!.Values[0], Tier: 'Standard' }],
    }));
  });
  const describeCall = (name: string) => ['DescribeParametersCommand', { ParameterFilters: [{ Key: 'Name', Option: 'Equals', Values: [name] }] }];

  it('overwrites without Tags, then adds only the missing tags', async () => {
    const spec = plain('bucket', 'new-bucket');
    const current = stored(spec, { value: 'old', tags: { 'mtpipe:project': 'mt', team: 'nlp' } });

    await ssmParameter.update(target, spec, current, ssmParameter.diff(current, spec));
    expect(sentCommands(ssmMock)).toStrictEqual([
      describeCall('/mt/dev/bucket'),
      ['PutParameterCommand', { Name: '/mt/dev/bucket', Value: 'new-bucket', Type: 'String', Tier: 'Standard', Overwrite: true }],
      ['AddTagsToResourceCommand', { ResourceType: 'Parameter', ResourceId: '/mt/dev/bucket', Tags: [{ Key: 'mtpipe:env', Value: 'dev' }] }],
    ]);
    expect(ssmMock.commandCalls(PutParameterCommand)[0]!.args[0].input.Tags).toBeUndefined();
  });

  it('only tags when only tags differ, and sends nothing when nothing differs', async () => {
    const spec = plain('bucket');
    const untagged = stored(spec, { tags: {} });
    await ssmParameter.update(target, spec, untagged, ssmParameter.diff(untagged, spec));
    expect(ssmMock).not.toHaveReceivedCommand(PutParameterCommand);
    expect(ssmMock).toHaveReceivedCommandExactlyOnceWith(AddTagsToResourceCommand, { ResourceId: '/mt/dev/bucket', Tags: TAG_LIST });

    ssmMock.resetHistory();
    const same = stored(spec);
    await ssmParameter.update(target, spec, same, ssmParameter.diff(same, spec));
    expect(ssmMock.calls()).toHaveLength(0);
  });

  it('keeps the stored secret when only the key changes and no token was given', async () => {
    const spec = secret(undefined, 'alias/mt-key');
    const current = stored(spec, { value: 'hf_stored', keyId: SSM_DEFAULT_KEY });

    await ssmParameter.update(target, spec, current, ssmParameter.diff(current, spec));
    expect(sentCommands(ssmMock)).toStrictEqual([
      describeCall(TOKEN),
      ['PutParameterCommand', { Name: TOKEN, Value: 'hf_stored', Type: 'SecureString', Tier: 'Standard', KeyId: 'alias/mt-key', Overwrite: true }],
    ]);
  });
});

describe('ssmParameter.create', () => {
  beforeEach(() => ssmMock.on(PutParameterCommand).resolves({ Version: 1 }));

  it('sends Tags and Tier Standard, no KeyId and no Overwrite for a String', async () => {
    await expect(ssmParameter.create(target, plain('bucket', 'b'))).resolves.toStrictEqual({
      arn: 'arn:aws:ssm:us-east-1:123456789012:parameter/mt/dev/bucket',
    });
    expect(sentCommands(ssmMock)).toStrictEqual([
      ['PutParameterCommand', { Name: '/mt/dev/bucket', Value: 'b', Type: 'String', Tier: 'Standard', Tags: TAG_LIST }],
    ]);
  });

  it('sends KeyId for a SecureString only when a key is configured', async () => {
    await ssmParameter.create(target, secret('hf_a'));
    await ssmParameter.create(target, secret('hf_b', 'alias/mt-key'));
    const inputs = ssmMock.commandCalls(PutParameterCommand).map((call) => call.args[0].input);
    expect(inputs).toStrictEqual([
      { Name: TOKEN, Value: 'hf_a', Type: 'SecureString', Tier: 'Standard', Tags: TAG_LIST },
      { Name: TOKEN, Value: 'hf_b', Type: 'SecureString', Tier: 'Standard', KeyId: 'alias/mt-key', Tags: TAG_LIST },
    ]);
  });

  it('never sends a KeyId for a String, and refuses to write an undefined value', async () => {
    await ssmParameter.create(target, { ...plain('a', 'x'), keyId: 'alias/mt-key' });
    expect(ssmMock.commandCalls(PutParameterCommand)[0]!.args[0].input).not.toHaveProperty('KeyId');

    ssmMock.resetHistory();
    await expect(ssmParameter.create(target, secret(undefined))).rejects.toThrow(TOKEN);
    expect(ssmMock.calls()).toHaveLength(0);
  });
});

describe('ssmParameter.delete', () => {
  const current: StoredParameter = { name: '/mt/dev/old', type: 'String', value: 'x', tags: {} };
  const spec: ParameterSpec = { name: '/mt/dev/old', type: 'String', value: undefined, tags: {} };

  it('a parameter already gone is deleted (a DeleteParameter whose response was lost, retried by the SDK)', async () => {
    ssmMock.on(DeleteParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));
    await expect(ssmParameter.delete!(target, current, spec)).resolves.toBeUndefined();
    expect(sentCommands(ssmMock)).toStrictEqual([['DeleteParameterCommand', { Name: '/mt/dev/old' }]]);
  });

  it('other errors propagate', async () => {
    ssmMock.on(DeleteParameterCommand).rejects(new TooManyUpdates({ message: 'slow down', $metadata: {} }));
    await expect(ssmParameter.delete!(target, current, spec)).rejects.toBeInstanceOf(TooManyUpdates);
  });
});

describe('ssmParameter.listUnwanted', () => {
  const arn = (name: string) => `arn:aws:ssm:us-east-1:123456789012:parameter${name}`;
  const wanted = new Set(['/mt/dev/a', TOKEN]);
  const isWanted = (name: string) => wanted.has(name);
  const PATH = { ParameterFilters: [{ Key: 'Path', Option: 'Recursive', Values: ['/mt/dev'] }], MaxResults: 50, NextToken: undefined };

  it('makes one DescribeParameters of the path for the prune and the SecureStrings key lookup of one run', async () => {
    account([{ Name: TOKEN, Type: 'SecureString', Value: 'hf' }]);
    ssmMock.on(DescribeParametersCommand).resolves({ Parameters: [{ Name: TOKEN, Type: 'SecureString', KeyId: 'alias/mt-key' }] });

    const [read, unwanted] = await Promise.all([ssmParameter.findMany!(target, [secret(undefined)]), ssmParameter.listUnwanted!(target, '/mt/dev/', 'mt', isWanted)]);
    expect(read[0]).toMatchObject({ keyId: 'alias/mt-key' });
    expect(unwanted).toStrictEqual([]);
    expect(ssmMock.commandCalls(DescribeParametersCommand).map((call) => call.args[0].input)).toStrictEqual([PATH]);
  });

  it('lists the path with DescribeParameters and reads no tags when every parameter there is wanted', async () => {
    ssmMock.on(DescribeParametersCommand).resolves({ Parameters: [{ Name: '/mt/dev/a', Type: 'String' }, { Name: TOKEN, Type: 'SecureString' }] });

    expect(await ssmParameter.listUnwanted!(target, '/mt/dev/', 'mt', isWanted)).toStrictEqual([]);
    expect(sentCommands(ssmMock)).toStrictEqual([['DescribeParametersCommand', PATH]]);
  });

  it('takes the tags of the parameters not wanted from the project tag index, else ListTagsForResource, and keeps the project ones', async () => {
    indexHolds([target], { [arn('/mt/dev/old')]: TAGS });
    ssmMock.on(DescribeParametersCommand).resolves({
      Parameters: [{ Name: '/mt/dev/a', Type: 'String' }, { Name: '/mt/dev/old', Type: 'SecureString' }, { Name: '/mt/dev/theirs', Type: 'String' }, { Name: '/mt/dev/new', Type: 'String' }],
    });
    ssmMock.on(ListTagsForResourceCommand, { ResourceId: '/mt/dev/theirs' }).resolves({ TagList: [{ Key: 'mtpipe:project', Value: 'other' }] });
    // tagged moments ago: not in the index yet, found by SSM's own listing and its own tags
    ssmMock.on(ListTagsForResourceCommand, { ResourceId: '/mt/dev/new' }).resolves({ TagList: TAG_LIST });

    const found = await ssmParameter.listUnwanted!(target, '/mt/dev/', 'mt', isWanted);
    expect(found).toStrictEqual([
      {
        spec: { name: '/mt/dev/old', type: 'SecureString', value: undefined, tags: TAGS },
        current: { name: '/mt/dev/old', type: 'SecureString', value: '', tags: TAGS },
      },
      {
        spec: { name: '/mt/dev/new', type: 'String', value: undefined, tags: TAGS },
        current: { name: '/mt/dev/new', type: 'String', value: '', tags: TAGS },
      },
    ]);
    const tagged = ssmMock.commandCalls(ListTagsForResourceCommand).map((call) => call.args[0].input.ResourceId).sort();
    expect(tagged).toStrictEqual(['/mt/dev/new', '/mt/dev/theirs']);
  });
});

import { describe, expect, it } from 'vitest';
import { plan } from '../../../src/engine/plan.js';
import { existing } from '../../../src/engine/reference.js';
import { TAG_ENV, TAG_PROJECT, TAG_REGION, type ResourceKind } from '../../../src/engine/types.js';
import { FakeKind, want } from './fakes.js';

/** The run is in eu-west-1; the project's IAM resources were made by a run in us-east-1. */
const options = { project: 'mt', region: 'eu-west-1', adopt: false, concurrency: 4 };
const tags = (region: string) => ({ [TAG_PROJECT]: 'mt', [TAG_ENV]: 'shared', [TAG_REGION]: region });
const REFUSED =
  'serves region us-east-1 of project "mt": IAM names are account-wide, so one project cannot run in two regions of one account; use a distinct project name per region (project in mtpipe.yaml)';

describe('account-global resources of a project in another region (issue 6.4)', () => {
  it('are refused, and so is what depends on them; the plan says which region and what to do', async () => {
    const roles = new FakeKind({ kind: 'fake:role', accountGlobal: true }).put('dev', { name: 'r', value: 'v1', tags: tags('us-east-1') });
    const policies = new FakeKind({ kind: 'fake:role-policy', accountGlobal: true }).put('dev', { name: 'p', value: 'us-east-1 arns' });
    const builds = new FakeKind({ kind: 'fake:build' });
    const [role, policy, build] = await plan(
      [
        want(roles, 'r', { tags: tags('eu-west-1') }),
        want(policies, 'p', { value: 'eu-west-1 arns', dependsOn: ['r'] }),
        want(builds, 'b', { dependsOn: ['p'] }),
      ],
      options,
    );
    expect(role!.action).toBe('update');
    expect(role!.blocked).toBe(REFUSED);
    expect(policy!.blocked).toBe(`belongs to fake:role "r", which ${REFUSED}`);
    // passed on to what depends on the policy in turn
    expect(build!.action).toBe('create');
    expect(build!.blocked).toBe(`belongs to fake:role "r", which ${REFUSED}`);
  });

  it('are refused even with nothing to change, and --adopt does not lift it', async () => {
    const roles = new FakeKind({ accountGlobal: true }).put('dev', { name: 'r', value: 'v1', tags: tags('us-east-1') });
    const [change] = await plan([want(roles, 'r', { tags: {} })], { ...options, adopt: true });
    expect(change!.action).toBe('noop');
    expect(change!.blocked).toBe(REFUSED);
  });

  it('block every account-global write of the plan, also on kinds that cannot carry the tag (IAM groups)', async () => {
    const policies = new FakeKind({ kind: 'fake:policy', accountGlobal: true }).put('dev', { name: 'deny', value: 'v1', tags: tags('us-east-1') });
    const groups = new FakeKind({ kind: 'fake:group', accountGlobal: true }).put('dev', { name: 'devs', value: 'us-east-1 repo' });
    const repositories = new FakeKind({ kind: 'fake:repository' });
    const [, group, repository] = await plan(
      [want(policies, 'deny', { tags: tags('eu-west-1') }), want(groups, 'devs', { value: 'eu-west-1 repo' }), want(repositories, 'repo')],
      options,
    );
    expect(group!.blocked).toBe(`IAM names are the project's: its fake:policy "deny" ${REFUSED}`);
    // regional resources are not blocked themselves: the run stops because of the others
    expect(repository!.blocked).toBeUndefined();
  });

  it('a reference (another step owns the role) is refused too', async () => {
    const roles = new FakeKind({ kind: 'fake:role', accountGlobal: true }).put('dev', { name: 'r', value: 'v1', tags: tags('us-east-1') });
    const reference = existing(roles as ResourceKind<unknown, unknown>, 'setup-security');
    const [change] = await plan([{ ...want(roles, 'r'), kind: reference }], options);
    expect(change!.blocked).toBe(REFUSED);
    expect(change!.unmanaged).toBeUndefined();
  });

  it('a resource of the project without the region tag (made before it existed) is claimed: the tag is added', async () => {
    const roles = new FakeKind({ accountGlobal: true }).put('dev', { name: 'r', value: 'v1', tags: { [TAG_PROJECT]: 'mt', [TAG_ENV]: 'shared' } });
    const [change] = await plan([want(roles, 'r', { tags: tags('eu-west-1') })], options);
    expect(change!.action).toBe('update');
    expect(change!.diffs).toEqual([{ field: 'tags', from: {}, to: { [TAG_REGION]: 'eu-west-1' } }]);
    expect(change!.blocked).toBeUndefined();
  });

  it('the same region, or a regional kind with that tag, is not refused', async () => {
    const roles = new FakeKind({ accountGlobal: true }).put('dev', { name: 'r', value: 'v1', tags: tags('eu-west-1') });
    const buckets = new FakeKind({ kind: 'fake:bucket' }).put('dev', { name: 'b', value: 'v1', tags: tags('us-east-1') });
    const changes = await plan([want(roles, 'r', { tags: tags('eu-west-1') }), want(buckets, 'b', { tags: tags('us-east-1') })], options);
    expect(changes.map((change) => [change.action, change.blocked])).toEqual([
      ['noop', undefined],
      ['noop', undefined],
    ]);
  });
});

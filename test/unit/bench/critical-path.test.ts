import { describe, expect, it } from 'vitest';
import { classifyCalls, criticalPath, isRead, type PlannedChange } from '../../../bench/critical-path.js';

const change = (id: string, action: PlannedChange['action'], dependsOn: string[] = [], kind = 'iam:role'): PlannedChange => ({
  id,
  kind,
  action,
  ...(dependsOn.length > 0 ? { dependsOn } : {}),
});

describe('criticalPath', () => {
  it('is STS, the deepest read, then the longest chain of writes weighted by the calls AWS needs in sequence', () => {
    // bucket → rule (2 + 2) is longer than role → policy → project (1 + 1 + 1): the weights decide
    const changes = [
      change('role', 'create'),
      change('policy', 'create', ['role'], 'iam:role-policy'),
      change('project', 'create', ['role', 'policy'], 'codebuild:project'),
      change('bucket', 'create', [], 's3:bucket'),
      change('rule', 'create', ['bucket'], 'events:rule'),
    ];
    expect(criticalPath(changes)).toEqual({ sts: 1, reads: 1, writes: 4, total: 6, chain: ['bucket', 'rule'] });
  });

  it('takes the chain with the most calls, not the most resources', () => {
    const changes = [
      change('a', 'create'),
      change('b', 'create', ['a']),
      change('c', 'create', ['b']),
      change('log', 'create', [], 'logs:log-group'),
    ];
    expect(criticalPath(changes, { createDepth: { 'logs:log-group': 5 } })).toMatchObject({ writes: 5, chain: ['log'] });
    expect(criticalPath(changes)).toMatchObject({ writes: 3, chain: ['a', 'b', 'c'] });
  });

  it('reads every resource at once after STS, as deep as its API needs, and a discovered one after its stack', () => {
    const existing = [change('role', 'noop'), change('policy', 'noop', ['role']), change('project', 'noop', ['policy'])];
    expect(criticalPath(existing)).toEqual({ sts: 1, reads: 1, writes: 0, total: 2, chain: [] });
    expect(criticalPath([...existing, change('key', 'noop', [], 'kms:key')])).toMatchObject({ reads: 2, total: 3 });
    // a key to create is known absent after one call
    expect(criticalPath([change('key', 'create', [], 'kms:key')])).toMatchObject({ reads: 1 });
    const discovered = [change('stack', 'noop', [], 'cloudformation:stack'), change('alarm', 'noop', ['stack'], 'cloudwatch:alarm')];
    expect(criticalPath(discovered)).toMatchObject({ reads: 2 });
  });

  it('counts nothing for a resource with nothing to write, but waits for the writes it depends on', () => {
    const changes = [change('role', 'update'), change('policy', 'noop', ['role']), change('project', 'create', ['policy'])];
    expect(criticalPath(changes)).toMatchObject({ writes: 2, chain: ['role', 'project'] });
  });

  it('refuses a dependency the plan does not have', () => {
    expect(() => criticalPath([change('a', 'create', ['missing'])])).toThrow('a depends on missing, which is not in the plan');
  });
});

describe('classifyCalls', () => {
  it('counts Get/List/Describe/BatchGet/Head… (and S3 GET/HEAD as s3.Get) as reads, the rest as writes', () => {
    expect(
      classifyCalls({
        'sts.GetCallerIdentity': 1,
        'iam.ListRolePolicies': 2,
        'logs.DescribeLogGroups': 3,
        'codebuild.BatchGetProjects': 1,
        's3.Get': 4,
        'iam.CreateRole': 5,
        'ssm.PutParameter': 6,
        's3.PUT:tagging': 1,
        'iam.TagRole': 1,
      }),
    ).toEqual({ reads: 11, writes: 13, total: 24 });
  });

  it('goes by the start of the operation name only', () => {
    expect(isRead('BatchGetProjects')).toBe(true);
    expect(isRead('BatchDeleteBuilds')).toBe(false);
    expect(isRead('PutRule')).toBe(false);
    expect(isRead('TargetsGet')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { BOTOCORE_SERVICE, loadServiceModel, REDACTED, toJsRegExp, validateCalls, validateRequest } from '../support/api-models.js';

// Needs python3 with botocore only to locate the model files; no AWS call, no moto.

const violationsOf = (service: string, operation: string, input: unknown) => validateRequest(service, operation, input).violations;

describe('botocore API models', () => {
  it('loads the newest model of every service mtpipe calls', () => {
    for (const service of Object.keys(BOTOCORE_SERVICE)) {
      const model = loadServiceModel(service);
      expect(Object.keys(model.operations).length, service).toBeGreaterThan(5);
    }
    expect(loadServiceModel('SSM').metadata.apiVersion).toBe('2014-11-06');
    expect(loadServiceModel('CodeCommit').operations.CreateRepository?.input?.shape).toBe('CreateRepositoryInput');
  });

  it('accepts a valid request', () => {
    expect(violationsOf('CodeCommit', 'CreateRepository', { repositoryName: 'machine-translation', tags: { 'mtpipe:env': 'dev' } })).toEqual([]);
    expect(
      violationsOf('SSM', 'PutParameter', {
        Name: '/mt-pipeline/dev/x',
        Value: 'v',
        Type: 'SecureString',
        Tier: 'Standard',
        Tags: [{ Key: 'mtpipe:project', Value: 'mt-pipeline' }],
      }),
    ).toEqual([]);
  });

  it('catches a repository name with a space (pattern)', () => {
    const violations = violationsOf('CodeCommit', 'CreateRepository', { repositoryName: 'machine translation' });
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatch(/^CodeCommit\.CreateRepository repositoryName: "machine translation" does not match the pattern/);
  });

  it('catches a missing required member', () => {
    expect(violationsOf('SSM', 'PutParameter', { Value: 'v', Type: 'String' })).toEqual([
      'SSM.PutParameter (input): required member Name is missing',
    ]);
    expect(violationsOf('IAM', 'AttachGroupPolicy', { GroupName: 'g' })).toEqual([
      'IAM.AttachGroupPolicy (input): required member PolicyArn is missing',
    ]);
  });

  it('catches a bad enum value', () => {
    const violations = violationsOf('SSM', 'PutParameter', { Name: '/a', Value: 'v', Type: 'Secret' });
    expect(violations).toEqual([expect.stringMatching(/PutParameter Type: "Secret" is not one of String, StringList, SecureString/)]);
  });

  it('catches unknown members, wrong types, lengths, sizes and ranges', () => {
    expect(violationsOf('SSM', 'PutParameter', { Name: '/a', Value: 'v', Overwrite: 'yes', Tagz: [] })).toEqual([
      expect.stringMatching(/Overwrite: expected a boolean/),
      expect.stringMatching(/unknown member Tagz/),
    ]);
    expect(violationsOf('CodeCommit', 'CreateRepository', { repositoryName: 'r'.repeat(101) })).toEqual([
      expect.stringMatching(/repositoryName: length 101 is above the maximum 100/),
    ]);
    expect(violationsOf('SSM', 'GetParameters', { Names: [] })).toEqual([expect.stringMatching(/Names: 0 items, fewer than the minimum 1/)]);
    expect(violationsOf('SSM', 'GetParameters', { Names: Array.from({ length: 11 }, (_, i) => `/p${i}`) })).toEqual([
      expect.stringMatching(/Names: 11 items, more than the maximum 10/),
    ]);
    expect(violationsOf('SSM', 'DescribeParameters', { MaxResults: 51 })).toEqual([expect.stringMatching(/MaxResults: 51 is above the maximum 50/)]);
    expect(violationsOf('IAM', 'GetGroup', { GroupName: 'g', MaxItems: 1.5 })).toEqual([expect.stringMatching(/MaxItems: expected an integer/)]);
    expect(violationsOf('SSM', 'PutParameter', 'not an object')).toEqual([expect.stringMatching(/expected a structure/)]);
  });

  it('checks nested structures, list members and map keys', () => {
    expect(violationsOf('SSM', 'AddTagsToResource', { ResourceType: 'Parameter', ResourceId: '/a', Tags: [{ Key: 'k', Value: 'v*' }] })).toEqual([
      expect.stringMatching(/Tags\[0\]\.Value: "v\*" does not match the pattern/),
    ]);
    expect(violationsOf('IAM', 'CreatePolicy', { PolicyName: 'p', PolicyDocument: '{}', Tags: [{ Key: 'k' }] })).toEqual([
      'IAM.CreatePolicy Tags[0]: required member Value is missing',
    ]);
    expect(violationsOf('CodeCommit', 'TagResource', { resourceArn: 'arn:aws:codecommit:us-east-1:1:r', tags: { ['k'.repeat(129)]: 'v' } })).toEqual([
      expect.stringMatching(/tags\{key "k+"\}: length 129 is above the maximum 128/),
    ]);
    expect(violationsOf('IAM', 'CreateGroup', { GroupName: 'g', Path: 'mtpipe' })).toEqual([expect.stringMatching(/Path: "mtpipe" does not match/)]);
  });

  it('checks a redacted value as a string only, and says so', () => {
    const result = validateRequest('SSM', 'PutParameter', { Name: '/a', Value: REDACTED, Tags: [{ Key: 'k', Value: REDACTED }] });
    expect(result.violations).toEqual([]);
    expect(result.notes).toContain('SSM.PutParameter Tags[0].Value: redacted value, checked as a string only');
    expect(violationsOf('SSM', 'PutParameter', { Name: '/a', Value: 42 })).toEqual([expect.stringMatching(/Value: expected a string/)]);
  });

  it('reports an operation the API does not have', () => {
    expect(violationsOf('CodeCommit', 'UpdateRepositoryTags', {})).toEqual([expect.stringMatching(/no such operation in the CodeCommit API/)]);
    expect(validateCalls([{ service: 'STS', operation: 'GetCallerIdentity', input: {} }])).toEqual({ violations: [], notes: [] });
  });

  it('converts botocore patterns to anchored unicode RegExps', () => {
    expect(toJsRegExp('[\\w+=,.@-]+').test('mt-pipeline-developers')).toBe(true);
    expect(toJsRegExp('[\\w+=,.@-]+').test('a b')).toBe(false);
    // anchored on both ends, also for alternations
    expect(toJsRegExp('^(range|count|sum)').test('rangefoo')).toBe(false);
    expect(toJsRegExp('[0-9]{12}').test('x123456789012')).toBe(false);
    expect(toJsRegExp('(?i)all|[0-9]{12}').test('ALL')).toBe(true);
    expect(toJsRegExp('^[\\w\\.\\-\\:\\/ ]*$').test('a.b-c:d/e f')).toBe(true);
    expect(toJsRegExp('^[0-9a-f]{8}\\-[0-9a-f]{4}$').test('0123abcd-01af')).toBe(true);
    expect(toJsRegExp('[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+').test('ok 😀')).toBe(true);
    expect(toJsRegExp('^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$').test('Ünïcode tag')).toBe(true);
  });

  it('compiles every pattern of the four models (any exception is a recorded note)', () => {
    const failures: string[] = [];
    for (const service of Object.keys(BOTOCORE_SERVICE)) {
      for (const [name, shape] of Object.entries(loadServiceModel(service).shapes)) {
        if (shape.pattern === undefined) continue;
        try {
          toJsRegExp(shape.pattern);
        } catch (error) {
          failures.push(`${service} ${name} ${shape.pattern}: ${(error as Error).message}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

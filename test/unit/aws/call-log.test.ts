import { describe, expect, it } from 'vitest';
import { formatCall, isReadOperation, redact } from '../../../src/aws/call-log.js';

describe('redact', () => {
  it('hides SSM and Secrets Manager values', () => {
    expect(redact({ Name: '/mt/dev/hugging_face_token', Value: 'hf_secret', Type: 'SecureString', Overwrite: true })).toStrictEqual({
      Name: '/mt/dev/hugging_face_token',
      Value: '***',
      Type: 'SecureString',
      Overwrite: true,
    });
    expect(redact({ SecretId: 'mt/hf', SecretString: 'hf_secret', SecretBinary: new Uint8Array([1, 2]) })).toStrictEqual({
      SecretId: 'mt/hf',
      SecretString: '***',
      SecretBinary: '***',
    });
  });

  it('hides token-, password- and secret-like keys, keeps ids, ARNs and names of secrets', () => {
    expect(
      redact({ hfToken: 'hf_x', SessionToken: 's', Password: 'p', ClientSecret: 'c', SecretArn: 'arn:x', SecretName: 'n', TokenCount: 3 }),
    ).toStrictEqual({ hfToken: '***', SessionToken: '***', Password: '***', ClientSecret: '***', SecretArn: 'arn:x', SecretName: 'n', TokenCount: 3 });
  });

  it('keeps paging tokens', () => {
    expect(redact({ NextToken: 'page-2', nextToken: 'page-3', Marker: 'm-1', PaginationToken: 'p-4', MaxResults: 50 })).toStrictEqual({
      NextToken: 'page-2',
      nextToken: 'page-3',
      Marker: 'm-1',
      // the Resource Groups Tagging API's
      PaginationToken: 'p-4',
      MaxResults: 50,
    });
  });

  it('redacts inside nested objects and arrays (CodeBuild environment variables)', () => {
    const input = {
      name: 'mt-build',
      environment: { environmentVariables: [{ name: 'HF_TOKEN', value: 'hf_secret', type: 'PLAINTEXT' }] },
    };
    expect(redact(input)).toStrictEqual({
      name: 'mt-build',
      environment: { environmentVariables: [{ name: 'HF_TOKEN', value: '***', type: 'PLAINTEXT' }] },
    });
    expect(input.environment.environmentVariables[0]!.value).toBe('hf_secret'); // the request itself is untouched
  });

  it('leaves undefined values and non-objects as they are, and summarises bytes', () => {
    expect(redact({ Value: undefined, Name: 'a' })).toStrictEqual({ Value: undefined, Name: 'a' });
    expect(redact('plain')).toBe('plain');
    expect(redact(null)).toBeNull();
    expect(redact({ Body: new Uint8Array(5) })).toStrictEqual({ Body: '<5 bytes>' });
  });
});

describe('isReadOperation', () => {
  it.each([
    'GetRepository',
    'GetParameters',
    'ListTagsForResource',
    'ListAttachedGroupPolicies',
    'ListAssociatedApprovalRuleTemplatesForRepository',
    'DescribeParameters',
    'BatchGetProjects',
    'HeadObject',
    'GetCallerIdentity',
    'AssumeRole',
  ])('%s is a read', (operation) => {
    expect(isReadOperation(operation)).toBe(true);
  });

  it.each([
    'CreateRepository',
    'UpdateRepositoryDescription',
    'TagResource',
    'CreateApprovalRuleTemplate',
    'UpdateApprovalRuleTemplateContent',
    'AssociateApprovalRuleTemplateWithRepository',
    'PutParameter',
    'AddTagsToResource',
    'CreatePolicyVersion',
    'DeletePolicyVersion',
    'AttachGroupPolicy',
    'PutGroupPolicy',
    'BatchDeleteBuilds',
    'StartPipelineExecution',
  ])('%s is a write', (operation) => {
    expect(isReadOperation(operation)).toBe(false);
  });
});

describe('formatCall', () => {
  it('shows service, operation, region, duration, retries, error and the (redacted) input', () => {
    const line = formatCall({
      service: 'SSM',
      operation: 'PutParameter',
      region: 'us-east-1',
      input: redact({ Name: '/a', Value: 'hf_secret' }),
      durationMs: 12.4,
      attempts: 3,
      error: 'TooManyUpdates',
    });
    expect(line).toBe('aws SSM.PutParameter us-east-1 12ms retries=2 error=TooManyUpdates {"Name":"/a","Value":"***"}');
    expect(line).not.toContain('hf_secret');
  });

  it('cuts long inputs at 400 characters', () => {
    const line = formatCall({ service: 'IAM', operation: 'PutGroupPolicy', region: 'us-east-1', input: { PolicyDocument: 'x'.repeat(1000) }, durationMs: 1, attempts: 1 });
    expect(line.endsWith('…')).toBe(true);
    expect(line).not.toContain('retries=');
    expect(line.length).toBeLessThan(500);
  });
});

/**
 * Request validation against the AWS API models that botocore ships (data/<service>/<version>/service-2.json.gz).
 * The same models the AWS CLI and boto3 validate their parameters with: required and unknown members, types,
 * string lengths, list/map sizes, enum values and `pattern`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** What the call recorder puts in place of a secret value (src/aws/call-log.ts). */
export const REDACTED = '***';
/** What the call recorder puts in place of values nested deeper than it copies. */
export const TRUNCATED = '…';

/** SDK v3 client names (without "Client") → botocore service directories. */
export const BOTOCORE_SERVICE: Record<string, string> = {
  CodeCommit: 'codecommit',
  IAM: 'iam',
  SSM: 'ssm',
  STS: 'sts',
  S3: 's3',
  CodeBuild: 'codebuild',
  CloudWatchLogs: 'logs',
  CloudWatch: 'cloudwatch',
  CodeDeploy: 'codedeploy',
  CloudFormation: 'cloudformation',
  Lambda: 'lambda',
  SecretsManager: 'secretsmanager',
  CodePipeline: 'codepipeline',
  SNS: 'sns',
  KMS: 'kms',
  EventBridge: 'events',
  CodeStarConnections: 'codestar-connections',
  ECR: 'ecr',
  XRay: 'xray',
  SFN: 'stepfunctions',
  ResourceGroupsTaggingAPI: 'resourcegroupstaggingapi',
};

interface MemberRef {
  shape: string;
}

export interface Shape {
  type: string;
  members?: Record<string, MemberRef>;
  required?: string[];
  member?: MemberRef;
  key?: MemberRef;
  value?: MemberRef;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
}

export interface ServiceModel {
  metadata: { serviceId: string; apiVersion: string; protocol: string };
  operations: Record<string, { name: string; input?: MemberRef }>;
  shapes: Record<string, Shape>;
}

export interface Validation {
  /** "Service.Operation path: problem" — anything the real API would reject */
  violations: string[];
  /** what could not be checked, e.g. a pattern JavaScript cannot compile or a redacted value */
  notes: string[];
}

let dataDir: string | undefined;

/** botocore's data directory, found through python3 (botocore comes with boto3 and with moto). */
export function botocoreDataDir(): string {
  if (dataDir) return dataDir;
  const found = spawnSync('python3', ['-c', 'import botocore,os;print(os.path.dirname(botocore.__file__))'], { encoding: 'utf8' });
  if (found.error || found.status !== 0) {
    throw new Error(`cannot locate botocore (pip install boto3): ${found.error?.message ?? found.stderr.trim()}`);
  }
  dataDir = join(found.stdout.trim(), 'data');
  return dataDir;
}

const models = new Map<string, ServiceModel>();

/** The newest API version of a service model, by SDK service name (CodeCommit, IAM, SSM, STS) or botocore name. */
export function loadServiceModel(service: string): ServiceModel {
  const name = BOTOCORE_SERVICE[service] ?? service;
  let model = models.get(name);
  if (model) return model;
  const serviceDir = join(botocoreDataDir(), name);
  if (!existsSync(serviceDir)) throw new Error(`no botocore model for service "${service}" (looked in ${serviceDir})`);
  const versions = readdirSync(serviceDir)
    .filter((entry) => /^\d{4}-\d{2}-\d{2}$/.test(entry) && existsSync(join(serviceDir, entry, 'service-2.json.gz')))
    .sort();
  const newest = versions.at(-1);
  if (!newest) throw new Error(`no service-2.json.gz under ${serviceDir}`);
  model = JSON.parse(gunzipSync(readFileSync(join(serviceDir, newest, 'service-2.json.gz'))).toString('utf8')) as ServiceModel;
  models.set(name, model);
  return model;
}

const SYNTAX_CHARACTERS = '^$\\.*+?()[]{}|/';

/**
 * A botocore (Java-flavoured) pattern as a fully anchored JavaScript RegExp in unicode mode:
 * a leading (?i) becomes the i flag, \uXXXXX (5–6 hex digits) a code point escape, and identity
 * escapes that unicode mode rejects (\: \- outside a class …) the plain character.
 */
export function toJsRegExp(pattern: string): RegExp {
  let flags = 'u';
  let source = pattern;
  if (source.startsWith('(?i)')) {
    source = source.slice(4);
    flags += 'i';
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '\\' && i + 1 < source.length) {
      const next = source[i + 1]!;
      const codePoint = /^u([0-9A-Fa-f]{5,6})(?![0-9A-Fa-f])/.exec(source.slice(i + 1));
      if (codePoint) {
        out += `\\u{${codePoint[1]}}`;
        i += codePoint[0].length;
      } else if (/[A-Za-z0-9]/.test(next) || SYNTAX_CHARACTERS.includes(next) || (next === '-' && inClass)) {
        out += ch + next;
        i++;
      } else {
        out += next;
        i++;
      }
      continue;
    }
    if (ch === '[' && !inClass) inClass = true;
    else if (ch === ']' && inClass) inClass = false;
    // Java reads "-" next to a class escape such as \w as a literal; JS with the u flag rejects it
    if (ch === '-' && inClass && /\\[wdsWDS]$/.test(out)) {
      out += '\\-';
      continue;
    }
    out += ch;
  }
  return new RegExp(`^(?:${out})$`, flags);
}

const compiled = new Map<string, RegExp | Error>();

function patternFor(pattern: string): RegExp | Error {
  let regexp = compiled.get(pattern);
  if (!regexp) {
    try {
      regexp = toJsRegExp(pattern);
    } catch (error) {
      regexp = error as Error;
    }
    compiled.set(pattern, regexp);
  }
  return regexp;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && !(value instanceof Date);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Uint8Array) return 'bytes';
  if (value instanceof Date) return 'Date';
  return typeof value;
}

class Validator {
  readonly violations: string[] = [];
  readonly notes = new Set<string>();

  constructor(
    private readonly model: ServiceModel,
    private readonly prefix: string,
  ) {}

  check(shapeName: string, value: unknown, path: string): void {
    if (value === undefined) return;
    if (value === TRUNCATED) {
      this.notes.add(`${this.prefix} ${path}: not recorded (nested too deep), not checked`);
      return;
    }
    const shape = this.model.shapes[shapeName];
    if (!shape) {
      this.notes.add(`${this.prefix} ${path}: shape ${shapeName} is not in the model`);
      return;
    }
    const where = `${this.prefix} ${path || '(input)'}`;
    const fail = (problem: string): void => void this.violations.push(`${where}: ${problem}`);
    switch (shape.type) {
      case 'structure':
        return this.structure(shape, value, path, fail);
      case 'list':
        if (!Array.isArray(value)) return fail(`expected a list (${shapeName}), got ${typeName(value)}`);
        this.size(shape, value.length, 'items', fail);
        value.forEach((item, index) => this.check(shape.member!.shape, item, `${path}[${index}]`));
        return;
      case 'map':
        if (!isPlainObject(value)) return fail(`expected a map (${shapeName}), got ${typeName(value)}`);
        this.size(shape, Object.keys(value).length, 'entries', fail);
        for (const [key, item] of Object.entries(value)) {
          this.check(shape.key!.shape, key, `${path}{key ${JSON.stringify(key)}}`);
          this.check(shape.value!.shape, item, `${path}.${key}`);
        }
        return;
      case 'string':
        return this.string(shapeName, shape, value, where, fail);
      case 'integer':
      case 'long':
        if (typeof value !== 'number' || !Number.isInteger(value)) return fail(`expected an integer (${shapeName}), got ${JSON.stringify(value)}`);
        if (shape.min !== undefined && value < shape.min) fail(`${value} is below the minimum ${shape.min} (${shapeName})`);
        if (shape.max !== undefined && value > shape.max) fail(`${value} is above the maximum ${shape.max} (${shapeName})`);
        return;
      case 'float':
      case 'double':
        if (typeof value !== 'number' || Number.isNaN(value)) fail(`expected a number (${shapeName}), got ${typeName(value)}`);
        return;
      case 'boolean':
        if (typeof value !== 'boolean') fail(`expected a boolean (${shapeName}), got ${JSON.stringify(value)}`);
        return;
      case 'timestamp':
        if (!(value instanceof Date) && typeof value !== 'number' && (typeof value !== 'string' || Number.isNaN(Date.parse(value)))) {
          fail(`expected a timestamp (${shapeName}), got ${JSON.stringify(value)}`);
        }
        return;
      case 'blob':
        // the SDK takes bytes or a string; the recorder shows bytes as "<n bytes>"
        if (!(value instanceof Uint8Array) && typeof value !== 'string') fail(`expected a blob (${shapeName}), got ${typeName(value)}`);
        return;
      default:
        this.notes.add(`${where}: type ${shape.type} (${shapeName}) is not checked`);
    }
  }

  private structure(shape: Shape, value: unknown, path: string, fail: (problem: string) => void): void {
    if (!isPlainObject(value)) return fail(`expected a structure, got ${typeName(value)}`);
    const members = shape.members ?? {};
    for (const name of shape.required ?? []) {
      if (value[name] === undefined || value[name] === null) fail(`required member ${name} is missing`);
    }
    for (const [name, item] of Object.entries(value)) {
      const member = members[name];
      if (!member) {
        if (item !== undefined) fail(`unknown member ${name} (known: ${Object.keys(members).join(', ') || 'none'})`);
        continue;
      }
      this.check(member.shape, item, path ? `${path}.${name}` : name);
    }
  }

  private string(shapeName: string, shape: Shape, value: unknown, where: string, fail: (problem: string) => void): void {
    if (typeof value !== 'string') return fail(`expected a string (${shapeName}), got ${typeName(value)}`);
    if (value === REDACTED) {
      // the real value is hidden by the recorder: only its type can be checked
      this.notes.add(`${where}: redacted value, checked as a string only`);
      return;
    }
    if (shape.min !== undefined && value.length < shape.min) fail(`length ${value.length} is below the minimum ${shape.min} (${shapeName})`);
    if (shape.max !== undefined && value.length > shape.max) fail(`length ${value.length} is above the maximum ${shape.max} (${shapeName})`);
    if (shape.enum && !shape.enum.includes(value)) fail(`${JSON.stringify(value)} is not one of ${shape.enum.join(', ')} (${shapeName})`);
    if (shape.pattern !== undefined) {
      const regexp = patternFor(shape.pattern);
      if (regexp instanceof Error) {
        this.notes.add(`pattern ${JSON.stringify(shape.pattern)} of ${shapeName} skipped: JavaScript cannot compile it (${regexp.message})`);
      } else if (!regexp.test(value)) {
        fail(`${JSON.stringify(value)} does not match the pattern ${JSON.stringify(shape.pattern)} (${shapeName})`);
      }
    }
  }

  private size(shape: Shape, count: number, what: string, fail: (problem: string) => void): void {
    if (shape.min !== undefined && count < shape.min) fail(`${count} ${what}, fewer than the minimum ${shape.min}`);
    if (shape.max !== undefined && count > shape.max) fail(`${count} ${what}, more than the maximum ${shape.max}`);
  }
}

/** Checks one request input (SDK v3 command input: member names as in the model) against the operation's input shape. */
export function validateRequest(service: string, operation: string, input: unknown): Validation {
  const prefix = `${service}.${operation}`;
  const model = loadServiceModel(service);
  const op = model.operations[operation];
  if (!op) return { violations: [`${prefix}: no such operation in the ${model.metadata.serviceId} API ${model.metadata.apiVersion}`], notes: [] };
  const validator = new Validator(model, prefix);
  if (op.input) validator.check(op.input.shape, input ?? {}, '');
  else if (isPlainObject(input) && Object.values(input).some((v) => v !== undefined)) {
    validator.violations.push(`${prefix}: the operation takes no input`);
  }
  return { violations: validator.violations, notes: [...validator.notes] };
}

/** Validates many recorded calls; violations and notes are merged (notes without duplicates). */
export function validateCalls(calls: { service: string; operation: string; input: unknown }[]): Validation {
  const violations: string[] = [];
  const notes = new Set<string>();
  for (const call of calls) {
    const result = validateRequest(call.service, call.operation, call.input);
    violations.push(...result.violations);
    for (const note of result.notes) notes.add(note);
  }
  return { violations, notes: [...notes] };
}

import { compareField, compareTags, fieldsToCreate } from '../../../src/engine/diff.js';
import type { Action, ApplyOutput, Change, Desired, FieldDiff, ResourceKind, Target, WriteContext } from '../../../src/engine/types.js';

/** The ownership rules apply() is given in these tests. */
export const RULES = { project: 'mt', adopt: false };

/** What FakeKind.create throws when the resource exists already. */
export class FakeAlreadyExists extends Error {
  override name = 'FakeAlreadyExists';
}

/** In-memory stand-ins for resource kinds: no AWS client is ever touched. */
export interface FakeSpec {
  name: string;
  value: string;
  tags?: Record<string, string>;
}

export interface FakeCurrent {
  name: string;
  value: string;
  tags?: Record<string, string>;
}

export function fakeTarget(name = 'dev', offline = false): Target {
  return { name, account: '111111111111', region: 'eu-west-1', partition: 'aws', clients: {} as never, offline };
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export interface FakeKindOptions {
  kind?: string;
  /** gives the kind a findMany */
  batch?: boolean;
  /** macrotask turns each write takes, per resource name (default 1) */
  writeTicks?: Record<string, number>;
  /** an IAM-like kind whose names the regions of an account share */
  accountGlobal?: boolean;
  /** without: the kind has no alreadyExists predicate */
  alreadyExists?: boolean;
  /** macrotask turns each read (find) takes (default 0) */
  readTicks?: number;
}

export class FakeKind implements ResourceKind<FakeSpec, FakeCurrent> {
  readonly kind: string;
  readonly accountGlobal?: boolean;
  /** what exists, keyed by `${target}/${name}` */
  readonly state = new Map<string, FakeCurrent>();
  /** every call, e.g. "find:dev/a", "findMany:dev/a,b", "create:dev/a" */
  readonly calls: string[] = [];
  /** write starts and ends, e.g. "start:a", "end:a" */
  readonly log: string[] = [];
  readonly failWrites = new Set<string>();
  readonly readErrors = new Map<string, Error>();
  readonly problems = new Map<string, string>();
  /** ARNs returned by create, per name (update returns none) */
  readonly createdArns = new Map<string, string>();
  inFlight = 0;
  maxInFlight = 0;
  readsInFlight = 0;
  maxReadsInFlight = 0;
  findMany?: (target: Target, specs: FakeSpec[]) => Promise<(FakeCurrent | undefined)[]>;
  alreadyExists?: (error: unknown) => boolean;
  /** the context each write was given, by resource name */
  readonly contexts = new Map<string, WriteContext | undefined>();

  constructor(private readonly options: FakeKindOptions = {}) {
    this.kind = options.kind ?? 'fake:thing';
    if (options.accountGlobal) this.accountGlobal = true;
    if (options.alreadyExists) this.alreadyExists = (error) => error instanceof FakeAlreadyExists;
    if (options.batch) {
      this.findMany = async (target, specs) => {
        this.calls.push(`findMany:${target.name}/${specs.map((spec) => spec.name).join(',')}`);
        const error = specs.map((spec) => this.readErrors.get(spec.name)).find(Boolean);
        if (error) throw error;
        return specs.map((spec) => this.state.get(`${target.name}/${spec.name}`));
      };
    }
  }

  put(target: string, current: FakeCurrent): this {
    this.state.set(`${target}/${current.name}`, current);
    return this;
  }

  name(spec: FakeSpec): string {
    return spec.name;
  }

  async find(target: Target, spec: FakeSpec): Promise<FakeCurrent | undefined> {
    this.calls.push(`find:${target.name}/${spec.name}`);
    this.readsInFlight++;
    this.maxReadsInFlight = Math.max(this.maxReadsInFlight, this.readsInFlight);
    try {
      for (let i = 0; i < (this.options.readTicks ?? 0); i++) await tick();
    } finally {
      this.readsInFlight--;
    }
    const error = this.readErrors.get(spec.name);
    if (error) throw error;
    return this.state.get(`${target.name}/${spec.name}`);
  }

  diff(current: FakeCurrent | undefined, spec: FakeSpec): FieldDiff[] {
    if (!current) return fieldsToCreate({ value: spec.value, tags: spec.tags });
    return [...compareField('value', current.value, spec.value), ...compareTags(current.tags, spec.tags ?? {})];
  }

  async create(target: Target, spec: FakeSpec, context?: WriteContext): Promise<ApplyOutput> {
    this.contexts.set(spec.name, context);
    if (this.state.has(`${target.name}/${spec.name}`)) {
      this.calls.push(`create:${target.name}/${spec.name}`);
      throw new FakeAlreadyExists(`${spec.name} exists`);
    }
    await this.write('create', target, spec);
    const arn = this.createdArns.get(spec.name);
    return arn ? { arn } : {};
  }

  async update(target: Target, spec: FakeSpec, _current?: FakeCurrent, _diffs?: FieldDiff[], context?: WriteContext): Promise<ApplyOutput> {
    this.contexts.set(spec.name, context);
    await this.write('update', target, spec);
    return {};
  }

  tagsOf(current: FakeCurrent): Record<string, string> | undefined {
    return current.tags;
  }

  arnOf(target: Target, spec: FakeSpec): string {
    return `arn:aws:fake:${target.region}:${target.account}:thing/${spec.name}`;
  }

  check(_current: FakeCurrent | undefined, spec: FakeSpec): string | undefined {
    return this.problems.get(spec.name);
  }

  private async write(verb: string, target: Target, spec: FakeSpec): Promise<void> {
    this.calls.push(`${verb}:${target.name}/${spec.name}`);
    this.log.push(`start:${spec.name}`);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      for (let i = 0; i < (this.options.writeTicks?.[spec.name] ?? 1); i++) await tick();
      if (this.failWrites.has(spec.name)) throw new Error(`boom on ${spec.name}`);
      this.state.set(`${target.name}/${spec.name}`, { name: spec.name, value: spec.value, ...(spec.tags ? { tags: spec.tags } : {}) });
    } finally {
      this.inFlight--;
      this.log.push(`end:${spec.name}`);
    }
  }
}

export interface DesiredOptions {
  value?: string;
  target?: Target;
  dependsOn?: string[];
  tags?: Record<string, string>;
  id?: string;
}

/** A desired fake resource; its id is its name unless given. */
export function want(kind: FakeKind, name: string, options: DesiredOptions = {}): Desired {
  const spec: FakeSpec = { name, value: options.value ?? 'v1', ...(options.tags ? { tags: options.tags } : {}) };
  return {
    id: options.id ?? name,
    kind: kind as ResourceKind<unknown, unknown>,
    spec,
    target: options.target ?? fakeTarget(),
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
  };
}

/** A change as plan() would make it, for apply() and the printers. */
export function changeOf(desired: Desired, action: Action, diffs: FieldDiff[] = [], current?: unknown): Change {
  return { desired, action, diffs, ...(current === undefined ? {} : { current }) };
}

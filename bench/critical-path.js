// The figures of the apply benchmark (bench/apply.js) that are pure computation, kept apart to be unit tested.
//
// Critical path: the fewest round trips to AWS a run needs, given the plan's dependency graph, if every
// call that may go at the same time did. The model, in latencies (one call = one latency):
//   1. STS first (GetCallerIdentity: 1), before anything else can be read.
//   2. Plan: a read needs only the resource's name, not its dependencies' state, so every resource can be
//      read at once, right after STS, with as many calls in sequence as its API needs (READ_DEPTH: two
//      where a first call gives the id the others need, e.g. a KMS key's alias, then its policy). A
//      resource that does not exist is known after one call. Only what is discovered waits: a resource
//      that depends on a reference to the solution's stack (cloudformation:stack) is read after it.
//   3. Apply, after the whole plan (it is shown and confirmed first): each resource to create, update or
//      delete takes as many calls in sequence as AWS needs for it (CREATE_DEPTH: a call that needs the
//      resource to exist comes after the one that makes it; calls that can overlap count once), after
//      the writes of its dependencies. A resource with nothing to write costs nothing.
// The per-kind depths are what the AWS APIs impose, not what mtpipe's modules do today, so the yardstick
// does not move when the modules change: wall / critical path says how far a run is from what the
// dependencies allow.

/**
 * Read calls AWS needs in sequence to read an existing resource of a kind (default 1). KMS: the key's
 * policy, rotation and tags take the key id (GetKeyPolicy, GetKeyRotationStatus and ListResourceTags do
 * not accept an alias), which DescribeKey or ListAliases gives first.
 */
export const READ_DEPTH = { 'kms:key': 2 };

/** Kinds whose read tells what else there is to read (the solution's stacks: its functions, state machines). */
const DISCOVERY_KINDS = new Set(['cloudformation:stack']);

/**
 * Write calls AWS needs in sequence to create a resource of a kind (default 1: its create call takes
 * every setting, tags included). Two where a setting has its own call that needs the resource first.
 */
export const CREATE_DEPTH = {
  's3:bucket': 2, // CreateBucket, then tagging, policy, versioning, encryption, public access block, lifecycle
  'logs:log-group': 2, // CreateLogGroup, then PutRetentionPolicy
  'events:rule': 2, // PutRule, then PutTargets
  'kms:key': 2, // CreateKey, then CreateAlias and EnableKeyRotation
  'ecr:repository': 2, // CreateRepository, then PutLifecyclePolicy and SetRepositoryPolicy
};

/** Operation names that change nothing: the prefixes AWS gives its reads (S3's GET/HEAD are "Get"). */
const READ_PREFIXES = /^(Get|List|Describe|BatchGet|Head|Lookup|Search|Query|Select|Simulate)/;

/** True for a read: the name starts with Get, List, Describe, BatchGet, Head, Lookup, Search, Query, Select or Simulate. */
export function isRead(operation) {
  return READ_PREFIXES.test(operation);
}

/** Sums call counts ({ "service.Operation": n }) into reads and writes by the operation's name. */
export function classifyCalls(calls) {
  let reads = 0;
  let writes = 0;
  for (const [name, count] of Object.entries(calls)) {
    const operation = name.slice(name.indexOf('.') + 1);
    if (isRead(operation)) reads += count;
    else writes += count;
  }
  return { reads, writes, total: reads + writes };
}

/**
 * The critical path of a run, in latencies, from the changes of its `--json` document
 * ({ id, kind, action, dependsOn? }[]): { sts, reads, writes, total, chain } where `chain` lists the ids of
 * the longest chain of writes (empty when nothing is written). Throws on an unknown dependency or a cycle.
 */
export function criticalPath(changes, { stsCalls = 1, createDepth = CREATE_DEPTH, readDepth = READ_DEPTH } = {}) {
  const byId = new Map(changes.map((change) => [change.id, change]));
  const depsOf = (change) =>
    (change.dependsOn ?? []).map((id) => {
      const dep = byId.get(id);
      if (!dep) throw new Error(`${change.id} depends on ${id}, which is not in the plan`);
      return dep;
    });
  const readEnd = memoised(byId, (change, recur) => {
    const discovered = depsOf(change).filter((dep) => DISCOVERY_KINDS.has(dep.kind));
    const after = Math.max(0, ...discovered.map(recur));
    return after + (change.action === 'create' ? 1 : (readDepth[change.kind] ?? 1));
  });
  const writeEnd = memoised(byId, (change, recur) => {
    const deps = depsOf(change);
    const after = Math.max(0, ...deps.map((dep) => recur(dep).end));
    const depth = change.action === 'noop' ? 0 : change.action === 'create' ? (createDepth[change.kind] ?? 1) : 1;
    const longest = deps.reduce((best, dep) => (!best || recur(dep).end > recur(best).end ? dep : best), undefined);
    const via = longest ? recur(longest).chain : [];
    return { end: after + depth, chain: depth > 0 ? [...via, change.id] : via };
  });
  const reads = Math.max(0, ...changes.map(readEnd));
  const ends = changes.map(writeEnd);
  const last = ends.reduce((best, end) => (end.end > (best?.end ?? 0) ? end : best), undefined);
  const writes = last?.end ?? 0;
  return { sts: stsCalls, reads, writes, total: stsCalls + reads + writes, chain: last?.chain ?? [] };
}

function memoised(byId, compute) {
  const memo = new Map();
  const visiting = new Set();
  const recur = (change) => {
    if (memo.has(change.id)) return memo.get(change.id);
    if (visiting.has(change.id)) throw new Error(`dependency cycle through ${change.id}`);
    visiting.add(change.id);
    const value = compute(change, recur);
    visiting.delete(change.id);
    memo.set(change.id, value);
    return value;
  };
  return (change) => recur(byId.get(change.id) ?? change);
}

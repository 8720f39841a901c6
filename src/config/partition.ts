// the `partition` of awsEndpointFunctions (the endpoint rules' aws.partition), exported with its type
import { partition as sdkPartition } from '@aws-sdk/core/client';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { AWS_REGION } from './names.js';

/** What mtpipe takes from the SDK's partition data for one region. */
export interface PartitionInfo {
  /** `aws`, `aws-cn`, `aws-us-gov`, … : the second field of every ARN */
  name: string;
  /** `amazonaws.com`, `amazonaws.com.cn`, … : the end of every regional host name */
  dnsSuffix: string;
  /** e.g. "China (Beijing)"; absent when the SDK does not know the region */
  description?: string;
}

/**
 * The partition of a region, from the endpoint rules data the SDK resolves its own hosts with
 * (`@aws-sdk/core`'s `partitions.json`). A region the SDK does not know falls back to the partition
 * whose name pattern it matches (else `aws`), without a description.
 */
export function partition(region: string): PartitionInfo {
  const found = sdkPartition(region) as { name: string; dnsSuffix: string; description?: string };
  return { name: found.name, dnsSuffix: found.dnsSuffix, ...(found.description ? { description: found.description } : {}) };
}

const REGION_SHAPE = AWS_REGION;

/** A region the SDK's partition data lists (pseudo-regions such as `aws-global` are not regions). */
export function isKnownRegion(region: string): boolean {
  return REGION_SHAPE.test(region) && partition(region).description !== undefined;
}

let regionList: string[] | undefined;

/**
 * Every region of every partition, as the SDK lists them.
 *
 * The SDK exports only the lookup `partition(region)`, not its table. The table is a JSON literal
 * (`const partitionsInfo = {…};`) inside the module that `@aws-sdk/core/client` resolves to under
 * `require`; it is read from there once, and each region found is confirmed with `partition()`.
 * Should a later SDK lay the file out differently, the list is empty (messages then suggest nothing).
 */
export function knownRegions(): string[] {
  if (regionList) return regionList;
  regionList = [];
  try {
    const source = readFileSync(createRequire(import.meta.url).resolve('@aws-sdk/core/client'), 'utf8');
    const start = source.indexOf('{', source.indexOf('partitionsInfo = {'));
    const end = source.indexOf('\n};', start);
    const table = JSON.parse(source.slice(start, end + 2)) as { partitions: { regions: Record<string, unknown> }[] };
    regionList = table.partitions.flatMap((p) => Object.keys(p.regions)).filter(isKnownRegion).sort();
  } catch {
    // layout changed: no suggestions
  }
  return regionList;
}

/** Up to `count` known regions nearest to `region` by edit distance (for "did you mean"). */
export function nearestRegions(region: string, count = 3): string[] {
  return knownRegions()
    .map((known) => ({ known, distance: editDistance(region, known) }))
    .sort((a, b) => a.distance - b.distance || a.known.localeCompare(b.known))
    .slice(0, count)
    .map((entry) => entry.known);
}

/** The problem with a region value, or undefined when the SDK knows it. */
export function regionProblem(region: string): string | undefined {
  if (isKnownRegion(region)) return undefined;
  const nearest = nearestRegions(region);
  const shape = REGION_SHAPE.test(region) ? `unknown region "${region}"` : `"${region}" is not an AWS region`;
  return `${shape}${nearest.length > 0 ? ` (nearest known: ${nearest.join(', ')})` : ''}`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

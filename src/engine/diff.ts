import { isDeepStrictEqual } from 'node:util';
import type { FieldDiff } from './types.js';

/** A diff for one field, or none when the values are equal (deep, order of object keys ignored). */
export function compareField(field: string, from: unknown, to: unknown, options: { secret?: boolean } = {}): FieldDiff[] {
  if (isDeepStrictEqual(normalize(from), normalize(to))) return [];
  return [{ field, from, to, ...(options.secret ? { secret: true } : {}) }];
}

/** Only the tags mtpipe sets are compared; tags others added are left alone. */
export function compareTags(current: Record<string, string> | undefined, wanted: Record<string, string>): FieldDiff[] {
  const missing = tagsToAdd(current, wanted);
  if (Object.keys(missing).length === 0) return [];
  const from = Object.fromEntries(Object.keys(missing).flatMap((key) => (current?.[key] === undefined ? [] : [[key, current[key]]])));
  return [{ field: 'tags', from, to: missing }];
}

export function tagsToAdd(current: Record<string, string> | undefined, wanted: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(wanted).filter(([key, value]) => current?.[key] !== value));
}

/** Fields to show for a resource that does not exist yet. */
export function fieldsToCreate(fields: Record<string, unknown>, secretFields: string[] = []): FieldDiff[] {
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([field, to]) => ({ field, to, ...(secretFields.includes(field) ? { secret: true } : {}) }));
}

function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, item]) => [key, normalize(item)]),
    );
  }
  return value;
}

export function fromTagList(list: { Key?: string; Value?: string; key?: string; value?: string }[] | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).map((tag) => [tag.Key ?? tag.key ?? '', tag.Value ?? tag.value ?? '']));
}

export function toTagList(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

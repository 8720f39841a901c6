import { compareField } from '../engine/diff.js';
import type { FieldDiff } from '../engine/types.js';

/**
 * IAM and resource policies say one thing in several ways: a single action as a string or a list of
 * one, lists in any order, a statement alone or in a list, no Version (IAM then takes 2008-10-17). AWS
 * keeps the spelling it was given, and people and other tools write their own. Policies are compared in
 * one canonical form, so that only a change of meaning shows in a plan.
 */
export function canonicalPolicy(document: unknown): unknown {
  if (!isObject(document)) return document;
  const statements = document.Statement === undefined ? [] : Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  return { ...document, Version: document.Version ?? '2008-10-17', Statement: statements.map(canonicalStatement) };
}

/** One statement in canonical form (see canonicalPolicy). */
export function canonicalStatement(statement: unknown): unknown {
  if (!isObject(statement)) return statement;
  const result: Record<string, unknown> = { ...statement };
  for (const key of ['Action', 'NotAction', 'Resource', 'NotResource']) {
    if (key in result) result[key] = sortedList(result[key]);
  }
  for (const key of ['Principal', 'NotPrincipal']) {
    const principal = result[key];
    if (isObject(principal)) result[key] = mapValues(principal, sortedList);
  }
  if (isObject(result.Condition)) {
    result.Condition = mapValues(result.Condition, (operator) => (isObject(operator) ? mapValues(operator, sortedList) : operator));
  }
  return result;
}

function sortedList(value: unknown): unknown {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return [...(value as string[])].sort();
  return value;
}

function mapValues(object: Record<string, unknown>, map: (value: unknown) => unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, map(value)]));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One diff for a policy (or statement) whose meaning differs, shown as read and as wanted; none when only the spelling does. */
export function comparePolicy(field: string, from: unknown, to: unknown, canonical: (document: unknown) => unknown = canonicalPolicy): FieldDiff[] {
  return compareField(field, canonical(from), canonical(to)).length === 0 ? [] : [{ field, from, to }];
}

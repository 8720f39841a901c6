import { describe, expect, it } from 'vitest';
import { compareField, compareTags, fieldsToCreate, fromTagList, tagsToAdd, toTagList } from '../../../src/engine/diff.js';

describe('compareField', () => {
  it('returns nothing for equal values', () => {
    expect(compareField('name', 'a', 'a')).toEqual([]);
    expect(compareField('count', 3, 3)).toEqual([]);
    expect(compareField('none', undefined, undefined)).toEqual([]);
  });

  it('compares deeply and ignores the order of object keys', () => {
    const current = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: ['a', 'b'], Condition: { x: { y: 1 } } }] };
    const wanted = { Statement: [{ Condition: { x: { y: 1 } }, Action: ['a', 'b'], Effect: 'Deny' }], Version: '2012-10-17' };
    expect(compareField('policy', current, wanted)).toEqual([]);
  });

  it('treats a missing key and an undefined one alike', () => {
    expect(compareField('obj', { a: 1 }, { a: 1, b: undefined })).toEqual([]);
  });

  it('keeps array order significant', () => {
    expect(compareField('list', ['a', 'b'], ['b', 'a'])).toEqual([{ field: 'list', from: ['a', 'b'], to: ['b', 'a'] }]);
  });

  it('reports a deep difference with the original values', () => {
    const from = { a: { b: [1, 2] } };
    const to = { a: { b: [1, 3] } };
    const [diff] = compareField('doc', from, to);
    expect(diff).toEqual({ field: 'doc', from, to });
    expect(diff!.from).toBe(from);
    expect(diff!).not.toHaveProperty('secret');
  });

  it('does not confuse types', () => {
    expect(compareField('n', 1, '1')).toHaveLength(1);
    expect(compareField('n', null, undefined)).toHaveLength(1);
    expect(compareField('n', [], {})).toHaveLength(1);
  });

  it('marks secret fields', () => {
    expect(compareField('value', 'old', 'new', { secret: true })).toEqual([{ field: 'value', from: 'old', to: 'new', secret: true }]);
    expect(compareField('value', 'same', 'same', { secret: true })).toEqual([]);
  });
});

describe('tags', () => {
  const wanted = { 'mtpipe:project': 'mt', 'mtpipe:env': 'dev' };

  it('compareTags ignores tags others added', () => {
    expect(compareTags({ ...wanted, owner: 'alice', CostCenter: '42' }, wanted)).toEqual([]);
  });

  it('compareTags reports only the wanted keys that are missing or different', () => {
    expect(compareTags({ 'mtpipe:project': 'old', 'mtpipe:env': 'dev', owner: 'alice' }, wanted)).toEqual([
      { field: 'tags', from: { 'mtpipe:project': 'old' }, to: { 'mtpipe:project': 'mt' } },
    ]);
    expect(compareTags({ owner: 'alice' }, wanted)).toEqual([{ field: 'tags', from: {}, to: wanted }]);
    expect(compareTags(undefined, wanted)).toEqual([{ field: 'tags', from: {}, to: wanted }]);
  });

  it('tagsToAdd returns the wanted tags that are missing or different', () => {
    expect(tagsToAdd(undefined, wanted)).toEqual(wanted);
    expect(tagsToAdd({ 'mtpipe:project': 'mt', 'mtpipe:env': 'prod', other: 'x' }, wanted)).toEqual({ 'mtpipe:env': 'dev' });
    expect(tagsToAdd(wanted, wanted)).toEqual({});
  });

  it('converts tag lists in both spellings', () => {
    expect(fromTagList([{ Key: 'a', Value: '1' }, { key: 'b', value: '2' }])).toEqual({ a: '1', b: '2' });
    expect(fromTagList(undefined)).toEqual({});
    expect(toTagList({ a: '1', b: '2' })).toEqual([
      { Key: 'a', Value: '1' },
      { Key: 'b', Value: '2' },
    ]);
  });
});

describe('fieldsToCreate', () => {
  it('lists every defined field, secret fields marked', () => {
    expect(fieldsToCreate({ name: 'p', value: 'hf_secret', tier: 'Standard', kmsKeyId: undefined }, ['value'])).toEqual([
      { field: 'name', to: 'p' },
      { field: 'value', to: 'hf_secret', secret: true },
      { field: 'tier', to: 'Standard' },
    ]);
  });

  it('marks nothing secret by default', () => {
    const diffs = fieldsToCreate({ a: 1, b: false, c: null });
    expect(diffs).toEqual([
      { field: 'a', to: 1 },
      { field: 'b', to: false },
      { field: 'c', to: null },
    ]);
    expect(diffs.some((d) => 'secret' in d)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { applyQuestion } from '../../../src/commands/confirmation.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { configSchema, type Config } from '../../../src/config/schema.js';
import type { Action, Change } from '../../../src/engine/types.js';
import { FakeKind, fakeTarget } from '../engine/fakes.js';

const kind = new FakeKind({ kind: 'ssm:parameter' });

function change(env: string, action: Action, name = `${env}-${action}`): Change {
  return { desired: { id: `${env}/${name}`, kind, spec: { name, value: 'v' }, target: fakeTarget(env) }, action, diffs: [] };
}

function config(environments?: Record<string, unknown>): Config {
  const raw = defaultConfig('us-east-1');
  if (environments) raw.environments = environments;
  return configSchema.parse(raw);
}

describe('the apply confirmation', () => {
  it('defaults to Yes for a plan that only creates and updates outside protected environments', () => {
    const question = applyQuestion([change('shared', 'create'), change('dev', 'update'), change('prod', 'noop')], config());
    expect(question).toEqual({ name: 'apply', message: 'Apply these 2 change(s)?', default: true });
  });

  it('defaults to No when the plan touches prod (protected by default) and names it with its count', () => {
    const question = applyQuestion([change('dev', 'create'), change('prod', 'create', 'a'), change('prod', 'update', 'b'), change('prod', 'noop')], config());
    expect(question).toEqual({ name: 'apply', message: 'This plan (3 changes) changes protected environment prod (2 changes). Apply?', default: false });
  });

  it('defaults to No when the plan deletes anything, naming what', () => {
    const question = applyQuestion([change('dev', 'create'), change('dev', 'delete', '/mt/dev/old'), change('dev', 'delete', '/mt/dev/older')], config());
    expect(question).toEqual({
      name: 'apply',
      message: 'This plan (3 changes) deletes 2 resources (ssm:parameter /mt/dev/old, ssm:parameter /mt/dev/older). Apply?',
      default: false,
    });
  });

  it('names both stakes at once, and lists at most three deletions', () => {
    const deletes = ['a', 'b', 'c', 'd'].map((name) => change('dev', 'delete', name));
    const question = applyQuestion([...deletes, change('prod', 'update')], config());
    expect(question.message).toBe(
      'This plan (5 changes) deletes 4 resources (ssm:parameter a, ssm:parameter b, ssm:parameter c, …) and changes protected environment prod (1 change). Apply?',
    );
    expect(question.default).toBe(false);
  });

  it('follows environments.<name>.protected: prod unprotected, staging protected', () => {
    const envs = { staging: { protected: true }, prod: { protected: false } };
    expect(applyQuestion([change('prod', 'update')], config(envs)).default).toBe(true);
    expect(applyQuestion([change('staging', 'update')], config(envs))).toMatchObject({
      message: 'This plan (1 change) changes protected environment staging (1 change). Apply?',
      default: false,
    });
  });

  it('a prod given in mtpipe.yaml without the key is still protected', () => {
    expect(applyQuestion([change('prod', 'create')], config({ prod: { approval: true } })).default).toBe(false);
  });
});

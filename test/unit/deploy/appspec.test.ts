import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { appSpecExample, configuredHooks, renderAppSpec, validateAppSpec } from '../../../src/templates/appspec.js';
import { TemplateError } from '../../../src/templates/render.js';

const FUNCTION = 'MtStack-TranslationPromptGeneratorCDK4E8F-aB3dE5fG7hJ9';

describe('renderAppSpec', () => {
  it('renders the AppSpec of one Lambda deployment with real versions (golden, as parsed YAML)', () => {
    const rendered = renderAppSpec({ functionName: FUNCTION, currentVersion: '7', targetVersion: '8' });

    expect(parse(rendered.content)).toStrictEqual({
      version: 0,
      Resources: [
        {
          Function: {
            Type: 'AWS::Lambda::Function',
            Properties: { Name: FUNCTION, Alias: 'live', CurrentVersion: '7', TargetVersion: '8' },
          },
        },
      ],
    });
    expect(rendered.content).toMatch(/^version: 0\.0\n/);
    // versions stay strings, as the AppSpec reference writes them
    expect(rendered.content).toContain('CurrentVersion: "7"');
    expect(rendered.content).not.toMatch(/Hooks|\{\{|\$\{/);
    expect(rendered.sha256).toBe(createHash('sha256').update(rendered.content).digest('hex'));
    expect(rendered.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('adds BeforeAllowTraffic / AfterAllowTraffic only for the hooks that are configured', () => {
    const both = renderAppSpec({
      functionName: FUNCTION,
      currentVersion: '1',
      targetVersion: '2',
      hooks: { beforeAllowTraffic: 'CodeDeployHook_pre', afterAllowTraffic: 'CodeDeployHook_post' },
    });
    expect(parse(both.content).Hooks).toStrictEqual([{ BeforeAllowTraffic: 'CodeDeployHook_pre' }, { AfterAllowTraffic: 'CodeDeployHook_post' }]);

    const after = renderAppSpec({ functionName: FUNCTION, currentVersion: '1', targetVersion: '2', hooks: { afterAllowTraffic: 'CodeDeployHook_post' } });
    expect(parse(after.content).Hooks).toStrictEqual([{ AfterAllowTraffic: 'CodeDeployHook_post' }]);
    expect(after.sha256).not.toBe(both.sha256);
  });

  it('refuses what CodeDeploy would reject: equal versions, $LATEST, a template reference, a bad name', () => {
    expect(() => renderAppSpec({ functionName: FUNCTION, currentVersion: '3', targetVersion: '3' })).toThrow(/CurrentVersion and TargetVersion must differ/);
    expect(() => renderAppSpec({ functionName: FUNCTION, currentVersion: '$LATEST', targetVersion: '3' })).toThrow(TemplateError);
    expect(() => renderAppSpec({ functionName: FUNCTION, currentVersion: '1', targetVersion: '!Ref Version' })).toThrow(/TargetVersion/);
    expect(() => renderAppSpec({ functionName: 'has spaces', currentVersion: '1', targetVersion: '2' })).toThrow(/not a Lambda function name/);
    expect(() => renderAppSpec({ functionName: FUNCTION, currentVersion: '1', targetVersion: '2', alias: '42' })).toThrow(/not an alias name/);
  });
});

describe('validateAppSpec', () => {
  const valid = parse(renderAppSpec({ functionName: 'fn', currentVersion: '1', targetVersion: '2' }).content);

  it('accepts a rendered AppSpec and names each problem of a broken one', () => {
    expect(validateAppSpec(valid)).toStrictEqual([]);
    expect(validateAppSpec({ ...valid, version: 1 })).toStrictEqual(['version must be 0.0']);
    expect(validateAppSpec({ ...valid, Resources: [...valid.Resources, ...valid.Resources] })).toStrictEqual([
      'Resources must hold exactly one function (a Lambda deployment shifts one alias)',
    ]);
    expect(validateAppSpec({ ...valid, Hooks: [{ BeforeInstall: 'x' }, { AfterAllowTraffic: 'a' }, { AfterAllowTraffic: 'b' }] })).toStrictEqual([
      'hook BeforeInstall does not exist for Lambda deployments',
      'a hook appears twice',
    ]);
    expect(validateAppSpec(valid, 'Name: {{functionName}}')).toStrictEqual(['contains an unfilled template reference']);
    expect(validateAppSpec(null)).toContain('version must be 0.0');
  });
});

describe('configuredHooks', () => {
  it('reads solution.hooks when the configuration has it, and nothing otherwise', () => {
    expect(configuredHooks({ solution: {} })).toStrictEqual({});
    expect(configuredHooks({ solution: { hooks: { beforeAllowTraffic: 'CodeDeployHook_pre' } } })).toStrictEqual({ beforeAllowTraffic: 'CodeDeployHook_pre' });
  });
});

describe('appSpecExample (the appspec.yml render writes)', () => {
  it('is comments only: nothing can take it for an AppSpec with made-up versions', () => {
    const text = appSpecExample({ env: 'dev', deploymentGroup: 'mt-pipeline-dev', functions: [{ name: 'fn-a' }, { name: 'fn-b', logicalId: 'FnB' }] });
    expect(parse(text)).toBeNull();
    expect(text.split('\n').filter((line) => line !== '' && !line.startsWith('#'))).toStrictEqual([]);
    expect(text).toContain('`mtpipe release <function> --env <env>` publishes the version');
    expect(text).toContain('deployment group mt-pipeline-dev');
    expect(text).toContain('# `mtpipe release fn-a --env dev`, with live at version 1 and version 2 just published, sends:');
    expect(text).toContain('# `mtpipe release FnB --env dev`, with live');
  });

  it('shows, per function, the AppSpec release would send; uncommented it is a valid AppSpec', () => {
    const text = appSpecExample({ env: 'prod', deploymentGroup: 'mt-pipeline-prod', functions: [{ name: 'fn-a' }], hooks: { beforeAllowTraffic: 'CodeDeployHook_pre' } });
    const example = text
      .split('\n')
      .map((line) => line.replace(/^# ?/, ''))
      .join('\n')
      .split('sends:\n')[1]!;
    const spec = parse(example);
    expect(validateAppSpec(spec, example)).toStrictEqual([]);
    expect(spec.Resources[0].Function.Properties).toStrictEqual({ Name: 'fn-a', Alias: 'live', CurrentVersion: '1', TargetVersion: '2' });
    expect(spec.Hooks).toStrictEqual([{ BeforeAllowTraffic: 'CodeDeployHook_pre' }]);
  });

  it('says when no function is known', () => {
    expect(appSpecExample({ env: 'dev', deploymentGroup: 'g', functions: [] })).toContain('No Lambda functions are known yet');
  });
});

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultConfig, DEFAULT_PROJECT } from '../../../src/config/defaults.js';
import { interpolate } from '../../../src/config/interpolate.js';
import { loadConfig } from '../../../src/config/load.js';
import { configSchema, SOLUTION_PARAMETERS } from '../../../src/config/schema.js';

describe('the built-in default configuration', () => {
  it('validates', () => {
    const result = configSchema.safeParse(defaultConfig('eu-west-1'));
    expect(result.success ? [] : result.error.issues).toEqual([]);
    const config = configSchema.parse(defaultConfig('eu-west-1'));
    expect(config.project).toBe(DEFAULT_PROJECT);
    expect(config.region).toBe('eu-west-1');
    expect(Object.keys(config.parameters).sort()).toEqual([...SOLUTION_PARAMETERS, 'config_secret_name'].sort());
    // the sample's cdk.json default, misspelt as it is there
    expect(config.parameters.config_secret_name).toBe('machine-translation-worklfow-config');
    expect(config.environments.prod).toMatchObject({ approval: true, parameters: {} });
  });

  it('returns a fresh object each time', () => {
    const a = defaultConfig('eu-west-1');
    (a.repository as Record<string, unknown>).name = 'changed';
    expect((defaultConfig('eu-west-1').repository as Record<string, unknown>).name).toBe('machine-translation');
  });

  it('matches the template written by `mtpipe init`', async () => {
    const file = fileURLToPath(new URL('../../../src/templates/mtpipe.yaml', import.meta.url));
    const fromTemplate = await loadConfig({ file, fileRequired: true, fallbackRegion: async () => 'us-east-1' });
    expect(fromTemplate.config).toEqual(configSchema.parse(defaultConfig('us-east-1')));
  });

  it('rejects a project name the AWS resources cannot carry', () => {
    const result = configSchema.safeParse({ ...defaultConfig('eu-west-1'), project: 'My_Project' });
    expect(result.success).toBe(false);
  });
});

describe('interpolate', () => {
  const values = { project: 'mt', env: 'dev', account: '111111111111', region: 'eu-west-1', dnsSuffix: 'amazonaws.com' };

  it('fills every placeholder, as often as it appears', () => {
    expect(interpolate('${account}.dkr.ecr.${region}.${dnsSuffix}/${project}-qe:${env}-${env}', values)).toBe(
      '111111111111.dkr.ecr.eu-west-1.amazonaws.com/mt-qe:dev-dev',
    );
  });

  it('leaves text without placeholders alone', () => {
    expect(interpolate('plain $text {x}', values)).toBe('plain $text {x}');
  });

  it('throws on an unknown placeholder instead of staying silent', () => {
    expect(() => interpolate('${project}-${foo}', values)).toThrow(/\$\{foo\}/);
  });
});

import { describe, expect, it } from 'vitest';
// @ts-expect-error a build script in plain JavaScript, without declarations
import { parsedTemplates } from '../../../scripts/parsed-templates.js';
import { parsedTemplate } from '../../../src/templates/render.js';

// scripts/parsed-templates.js: the build parses the templates once (dist/templates.parsed.json), and
// the bundle's render.ts takes those values instead of parsing at run time. Here render.ts runs from
// src/templates, without that file, so parsedTemplate() is the run-time parse to compare with.
describe('templates parsed at build time', () => {
  const atBuild = parsedTemplates() as Record<string, unknown>;

  it('hold the buildspecs, the AppSpec and the policies', () => {
    expect(Object.keys(atBuild)).toEqual(expect.arrayContaining(['buildspec.yml', 'buildspec-deploy.yml', 'buildspec-test.yml', 'appspec.yml', 'policies/codebuild-base.json', 'policies/statements/token-secret.json']));
    expect(Object.keys(atBuild).filter((name) => !/\.(yml|json)$/.test(name))).toEqual([]);
  });

  it('are, each, what render.ts parses from the template file at run time', () => {
    for (const [name, value] of Object.entries(atBuild)) expect(value, name).toStrictEqual(parsedTemplate(name));
  });
});

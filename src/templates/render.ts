import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/**
 * Templates are real YAML or JSON files next to this module (the build copies them next to the bundle's chunks).
 * A string that is exactly "{{name}}" becomes the variable's value, whatever its type (a list of ARNs,
 * a number); "{{name}}" inside a longer string is replaced by the value as text. A placeholder without
 * a variable, or a variable no placeholder uses, is an error: nothing stays silently unfilled.
 */
export class TemplateError extends Error {
  constructor(template: string, problem: string) {
    super(`template ${template}: ${problem}`);
    this.name = 'TemplateError';
  }
}

const WHOLE = /^\{\{\s*([A-Za-z][\w]*)\s*\}\}$/;
const PART = /\{\{\s*([A-Za-z][\w]*)\s*\}\}/g;

/**
 * The file of template `name` (a path relative to src/templates), next to this module: in src/templates
 * when run from the sources, in dist/ when run from the bundle (scripts/postbuild.js copies them there).
 */
export function templatePath(name: string): URL {
  return new URL(`./${name}`, import.meta.url);
}

const parsed = new Map<string, unknown>();

/** Written by the build next to the bundle (scripts/parsed-templates.js); absent in src/templates. */
const PARSED_TEMPLATES = 'templates.parsed.json';
let parsedAtBuild: Record<string, unknown> | undefined;

/** The templates the build parsed already, by name; none when run from the sources. */
function templatesParsedAtBuild(): Record<string, unknown> {
  if (!parsedAtBuild) {
    try {
      parsedAtBuild = JSON.parse(readFileSync(templatePath(PARSED_TEMPLATES), 'utf8')) as Record<string, unknown>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      parsedAtBuild = {};
    }
  }
  return parsedAtBuild;
}

/**
 * Template `name` parsed (a .json one with JSON.parse, the rest as YAML), read once per process: a plan
 * fills the same policy and buildspec templates for every environment, and `fill` never changes the
 * document it is given. From the bundle, the build's parse is taken (the same value, without the YAML
 * parser's time).
 */
export function parsedTemplate(name: string): unknown {
  if (!parsed.has(name)) {
    const atBuild = templatesParsedAtBuild();
    if (Object.hasOwn(atBuild, name)) {
      parsed.set(name, atBuild[name]);
    } else {
      const text = readFileSync(templatePath(name), 'utf8');
      parsed.set(name, name.endsWith('.json') ? JSON.parse(text) : parse(text));
    }
  }
  return parsed.get(name);
}

/** Reads (once), parses and fills a template; returns the filled document. */
export function renderTemplate(name: string, variables: Record<string, unknown>): unknown {
  return fill(name, parsedTemplate(name), variables);
}

/** Fills an already parsed document (exported for tests of the rules). */
export function fill(name: string, document: unknown, variables: Record<string, unknown>): unknown {
  const used = new Set<string>();
  const value = (placeholder: string) => {
    if (!(placeholder in variables) || variables[placeholder] === undefined) {
      throw new TemplateError(name, `placeholder {{${placeholder}}} has no value`);
    }
    used.add(placeholder);
    return variables[placeholder];
  };
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') {
      const whole = WHOLE.exec(node);
      if (whole) return value(whole[1]!);
      return node.replace(PART, (_, placeholder: string) => {
        const filled = value(placeholder);
        if (typeof filled === 'object') throw new TemplateError(name, `{{${placeholder}}} is a list or map and must stand alone`);
        return String(filled);
      });
    }
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, walk(item)]));
    }
    return node;
  };
  const filled = walk(document);
  const unused = Object.keys(variables).filter((key) => !used.has(key));
  if (unused.length > 0) throw new TemplateError(name, `no placeholder for ${unused.map((key) => `{{${key}}}`).join(', ')}`);
  return filled;
}

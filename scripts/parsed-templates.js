// For scripts/postbuild.js: every YAML and JSON template under src/templates parsed once at build
// time, written next to the chunks as dist/templates.parsed.json, which src/templates/render.ts reads
// instead of parsing each template at run time (the yaml library's parser, cold, cost an offline
// `bootstrap --dry-run` about 6 ms for the three buildspecs).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';

export const PARSED_TEMPLATES = 'templates.parsed.json';

function templateFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return templateFiles(path);
    return /\.(yml|json)$/.test(entry.name) ? [path] : [];
  });
}

/**
 * { "buildspec.yml": value, "policies/trust-service.json": value, … }: each template parsed as
 * render.ts parses it (JSON.parse for .json, yaml's parse for the rest). A template whose value JSON
 * cannot carry unchanged (a date, a non-finite number) is left out, and render.ts parses that one itself.
 */
export function parsedTemplates(dir = 'src/templates') {
  const parsed = {};
  for (const file of templateFiles(dir).sort()) {
    const name = relative(dir, file).split(/[\\/]/).join('/');
    const text = readFileSync(file, 'utf8');
    const value = name.endsWith('.json') ? JSON.parse(text) : parse(text);
    if (isDeepStrictEqual(JSON.parse(JSON.stringify(value)), value)) parsed[name] = value;
  }
  return parsed;
}

import type { VALUE_PLACEHOLDERS } from './schema.js';

export type PlaceholderValues = Record<(typeof VALUE_PLACEHOLDERS)[number], string>;

/** Fills ${project}, ${env}, ${account}, ${region} and ${dnsSuffix}; the schema has already rejected any other placeholder. */
export function interpolate(template: string, values: PlaceholderValues): string {
  return template.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
    const value = (values as Record<string, string>)[name];
    if (value === undefined) throw new Error(`internal: unknown placeholder ${whole}`);
    return value;
  });
}

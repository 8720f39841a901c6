import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The source modules behind the modules a process loaded. `dist/` is a bundle (scripts/build.js), so a
 * loaded chunk stands for the modules its source map lists: those are returned as paths from the
 * package (`node_modules/@aws-sdk/client-ssm/dist-es/index.js`) or from the repository (`src/cli.ts`).
 * Every URL is returned too, so a test still sees `dist/cli.js` itself.
 */
export function loadedModules(urls: string[]): string[] {
  const sources = urls.flatMap((url) => {
    if (!url.startsWith('file:') || !url.includes('/dist/') || !url.endsWith('.js')) return [];
    const map = `${fileURLToPath(url)}.map`;
    if (!existsSync(map)) return [];
    const { sources: listed } = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] };
    return listed.map((source) => source.replace(/^(\.\.\/)+(.*\/)?(?=node_modules\/)/, '').replace(/^\.\.\//, ''));
  });
  return [...urls, ...sources];
}

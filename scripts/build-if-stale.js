// `npm test` runs this instead of `npm run build`: it builds only when dist/ is older than what it is
// built from, so `npm ci && npm test` builds once (npm ci's `prepare` already did) and an edit still
// gets built. dist/help.json is the last file the build writes (scripts/postbuild.js).
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const INPUTS = ['src', 'scripts', 'bin/compile-cache.js', 'package.json', 'package-lock.json'];
const STAMP = 'dist/help.json';

/** The newest modification time under `path`; directories count too (a deleted file changes its directory). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

if (!existsSync(STAMP) || statSync(STAMP).mtimeMs < Math.max(...INPUTS.map(newest))) {
  execSync('npm run build', { stdio: 'inherit' });
} else {
  console.error('dist/ is up to date: not building again');
}

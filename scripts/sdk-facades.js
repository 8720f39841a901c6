// A rolldown plugin for scripts/build.js. src/aws/sdk.ts loads each SDK service package with a dynamic
// import(), and a dynamic import hands over the whole package: the bundler cannot tell which of its
// few hundred commands and shapes are used, so it keeps them all. This plugin reads, in every file
// under src/, what is taken from `sdk.<service>()` (`const { IAMClient, GetRoleCommand } = await
// sdk.iam()`, or `sdk.lambda().then(({ … }) => …)`) and has sdk.ts import instead a small module that
// re-exports just those names from the package, so the rest is tree-shaken. Any other use of
// `sdk.<service>()` fails the build, naming the file: the names it needs could not be known.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseSync } from 'rolldown/utils';

const PREFIX = '\0sdk-facade:';

/** Every .ts file under `dir`. */
function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Calls `visit(node, parents)` for every AST node under `node`. */
function walk(node, visit, parents = []) {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit, parents);
    return;
  }
  if (!node || typeof node.type !== 'string') return;
  visit(node, parents);
  const inner = [...parents, node];
  for (const [key, value] of Object.entries(node)) {
    if (key !== 'type' && value && typeof value === 'object') walk(value, visit, inner);
  }
}

function namesOf(pattern) {
  if (pattern?.type !== 'ObjectPattern') return undefined;
  const names = pattern.properties.map((property) => (property.type === 'Property' && !property.computed ? property.key.name : undefined));
  return names.includes(undefined) ? undefined : names;
}

/** The names taken from `sdk.<service>()` in one file: a Map from service to names. */
function namesUsedIn(file, used) {
  const { program, errors } = parseSync(file, readFileSync(file, 'utf8'));
  if (errors.length > 0) throw new Error(`${file}: ${errors[0].message}`);
  walk(program, (node, parents) => {
    const callee = node.type === 'CallExpression' ? node.callee : undefined;
    if (callee?.type !== 'MemberExpression' || callee.object.type !== 'Identifier' || callee.object.name !== 'sdk' || node.arguments.length > 0) return;
    const service = callee.property.name;
    const [grand, parent] = parents.slice(-2);
    const names =
      parent?.type === 'AwaitExpression' && grand?.type === 'VariableDeclarator' ? namesOf(grand.id)
      : parent?.type === 'MemberExpression' && parent.property.name === 'then' && grand?.type === 'CallExpression' ? namesOf(grand.arguments[0]?.params?.[0])
      : undefined;
    if (!names) {
      throw new Error(`${file}: sdk.${service}() is used other than as \`const { … } = await sdk.${service}()\` or \`sdk.${service}().then(({ … }) => …)\`, so the build cannot tell what it needs of the package`);
    }
    used.set(service, new Set([...(used.get(service) ?? []), ...names]));
  });
}

/** The plugin: `sdkModule` is src/aws/sdk.ts, `sourceDir` the tree whose uses count. */
export function sdkFacades({ sdkModule = 'src/aws/sdk.ts', sourceDir = 'src' } = {}) {
  const sdkPath = resolve(sdkModule);
  const packages = new Map(); // package → service key of sdk.ts
  const used = new Map(); // service key → names
  return {
    name: 'mtpipe-sdk-facades',
    buildStart() {
      const { program } = parseSync(sdkPath, readFileSync(sdkPath, 'utf8'));
      walk(program, (node, parents) => {
        if (node.type !== 'ImportExpression' || node.source.type !== 'Literal') return;
        const property = parents.findLast((parent) => parent.type === 'Property');
        packages.set(node.source.value, property.key.name);
      });
      for (const file of sourceFiles(resolve(sourceDir))) if (file !== sdkPath) namesUsedIn(file, used);
    },
    resolveId(source, importer) {
      if (importer === sdkPath && packages.has(source)) return `${PREFIX}${source}`;
      // the facade's own import of the package resolves as from sdk.ts
      if (importer?.startsWith(PREFIX)) return this.resolve(source, sdkPath, { skipSelf: true });
      return undefined;
    },
    load(id) {
      if (!id.startsWith(PREFIX)) return undefined;
      const pkg = id.slice(PREFIX.length);
      const names = [...(used.get(packages.get(pkg)) ?? [])].sort();
      return `export { ${names.join(', ')} } from ${JSON.stringify(pkg)};\n`;
    },
  };
}

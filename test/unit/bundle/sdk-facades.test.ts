import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error a build script in plain JavaScript, without declarations
import { sdkFacades } from '../../../scripts/sdk-facades.js';

interface Plugin {
  buildStart(): void;
  resolveId(source: string, importer: string | undefined): unknown;
  load(id: string): string | undefined;
}

const SDK = "export const sdk = {\n  iam: () => import('@aws-sdk/client-iam'),\n  lambda: () => import('@aws-sdk/client-lambda'),\n};\n";
const dirs: string[] = [];

/** A src/ tree with sdk.ts and `files`; the plugin over it, started. */
async function pluginOver(files: Record<string, string>): Promise<{ plugin: Plugin; sdkModule: string }> {
  const root = await mkdtemp(join(tmpdir(), 'mtpipe-facades-'));
  dirs.push(root);
  await mkdir(join(root, 'src', 'aws'), { recursive: true });
  const sdkModule = join(root, 'src', 'aws', 'sdk.ts');
  await writeFile(sdkModule, SDK);
  for (const [name, text] of Object.entries(files)) await writeFile(join(root, 'src', name), text);
  const plugin = sdkFacades({ sdkModule, sourceDir: join(root, 'src') }) as Plugin;
  plugin.buildStart();
  return { plugin, sdkModule };
}

describe('scripts/sdk-facades.js', () => {
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it("has sdk.ts's import of a package bring only the names src/ destructures from it", async () => {
    const { plugin, sdkModule } = await pluginOver({
      'role.ts': 'export async function f() {\n  const { IAMClient, GetRoleCommand: Get } = await sdk.iam();\n  return [IAMClient, Get];\n}\n',
      'policy.ts': 'export async function g() {\n  const { IAMClient, PutRolePolicyCommand } = await sdk.iam();\n  return [IAMClient, PutRolePolicyCommand];\n}\n',
      'fn.ts': 'export const read = () => sdk.lambda().then(({ LambdaClient }) => new LambdaClient({}));\n',
    });
    const iam = plugin.resolveId('@aws-sdk/client-iam', sdkModule) as string;
    expect(plugin.load(iam)).toBe('export { GetRoleCommand, IAMClient, PutRolePolicyCommand } from "@aws-sdk/client-iam";\n');
    expect(plugin.load(plugin.resolveId('@aws-sdk/client-lambda', sdkModule) as string)).toBe('export { LambdaClient } from "@aws-sdk/client-lambda";\n');
    // the same package imported from anywhere else is the package itself
    expect(plugin.resolveId('@aws-sdk/client-iam', join(sdkModule, '..', 'other.ts'))).toBeUndefined();
  });

  it('fails the build, naming the file, when a use of sdk.<service>() does not name what it takes', async () => {
    await expect(pluginOver({ 'whole.ts': 'export async function f() {\n  const iam = await sdk.iam();\n  return iam.IAMClient;\n}\n' })).rejects.toThrow(
      /whole\.ts: sdk\.iam\(\) is used other than as/,
    );
  });
});

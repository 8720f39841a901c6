/** A small directory shaped like the sample solution, for push and bootstrap --source. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** The sample's CDK app marker and one function; with `ignored`, a .gitignore and two files it leaves out. */
export const SOURCE_FILES: Record<string, string> = {
  'deployment/cdk.json': '{"app": "python3 app.py"}\n',
  'deployment/app.py': 'import aws_cdk\n',
  'source/lambda/prompt/lambda_handler.py': 'def lambda_handler(event, context):\n    return {}\n',
};
export const IGNORED_FILES: Record<string, string> = { '.gitignore': 'cdk.out/\n*.log\n', 'cdk.out/manifest.json': '{}\n', 'debug.log': 'ignored\n' };

/** Writes the files into `dir` (which must exist) and returns it. */
export async function writeSourceTree(dir: string, options: { ignored?: boolean } = {}): Promise<string> {
  for (const [path, text] of Object.entries({ ...SOURCE_FILES, ...(options.ignored ? IGNORED_FILES : {}) })) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

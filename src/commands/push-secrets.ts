import { posix } from 'node:path';

/** A file that looks like it holds a credential: where (line from 1, when the content says so) and what kind. Never the match itself. */
export interface SecretFinding {
  path: string;
  line?: number;
  what: string;
}

const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/;
/** Hugging Face user access tokens: "hf_" and 34 letters and digits (older ones may be shorter: 30 at least). */
const HF_TOKEN = /(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{30,}(?![A-Za-z0-9])/;
/** AWS access key ids: AKIA (long-term) or ASIA (temporary) and 16 upper-case letters or digits. */
const ACCESS_KEY_ID = /(?<![A-Z0-9])(AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/;
/** A secret access key: 40 base64 characters; at least one outside hex, so that git's SHA-1s do not count. */
const SECRET_ACCESS_KEY = /(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]*[G-Zg-z/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/;

/** Content with a NUL byte in its first 8000 bytes is binary (git's own test): its lines are not searched. */
function isBinary(content: Uint8Array): boolean {
  return content.subarray(0, 8000).includes(0);
}

/**
 * What in one file looks like a credential: a `.env*` file by its name; in text, a PEM private key, a
 * Hugging Face token, or an AWS access key id together with a secret access key in the same file.
 */
export function findSecrets(path: string, content: Uint8Array): SecretFinding[] {
  const findings: SecretFinding[] = [];
  if (posix.basename(path).startsWith('.env')) findings.push({ path, what: 'a .env file (environment variables often hold secrets)' });
  if (isBinary(content)) return findings;
  const lines = new TextDecoder().decode(content).split('\n');
  let keyIdLine: number | undefined;
  let hasSecretKey = false;
  lines.forEach((text, index) => {
    const line = index + 1;
    if (PRIVATE_KEY.test(text)) findings.push({ path, line, what: 'a private key' });
    if (HF_TOKEN.test(text)) findings.push({ path, line, what: 'a Hugging Face token (hf_…)' });
    if (keyIdLine === undefined && ACCESS_KEY_ID.test(text)) keyIdLine = line;
    if (SECRET_ACCESS_KEY.test(text)) hasSecretKey = true;
  });
  if (keyIdLine !== undefined && hasSecretKey) findings.push({ path, line: keyIdLine, what: 'an AWS access key id with a secret access key' });
  return findings;
}

/** One line per finding, `path:line: what`; never the matched text. */
export function describeFinding(finding: SecretFinding): string {
  return `${finding.path}${finding.line !== undefined ? `:${finding.line}` : ''}: ${finding.what}`;
}

/** One AWS call as mtpipe saw it: logged with --debug, counted by tests. */
export interface AwsCall {
  service: string;
  operation: string;
  region: string;
  /** the request input with secret values replaced by "***" */
  input: unknown;
  durationMs: number;
  attempts: number;
  error?: string;
}

export type CallObserver = (call: AwsCall) => void;

const READ_PREFIXES = /^(Get|List|Describe|BatchGet|Head|Lookup|Search|Query|Select|Simulate)/;
const READ_OPERATIONS = new Set(['AssumeRole', 'GetCallerIdentity']);

/** True for calls that change nothing in the account. */
export function isReadOperation(operation: string): boolean {
  return READ_PREFIXES.test(operation) || READ_OPERATIONS.has(operation);
}

const SECRET_KEY = /^(value|secretstring|secretbinary)$|password|secret(?!id|arn|name)|token(?!count)/i;
const PAGING_KEYS = new Set(['NextToken', 'nextToken', 'Marker', 'PaginationToken']);

/** A copy of a request input that is safe to print: secret-looking fields become "***". */
export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '…';
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && !PAGING_KEYS.has(key) && item !== undefined ? '***' : redact(item, depth + 1);
  }
  return out;
}

export function formatCall(call: AwsCall): string {
  const input = JSON.stringify(call.input);
  const shown = input.length > 400 ? `${input.slice(0, 400)}…` : input;
  const retries = call.attempts > 1 ? ` retries=${call.attempts - 1}` : '';
  const outcome = call.error ? ` error=${call.error}` : '';
  return `aws ${call.service}.${call.operation} ${call.region} ${Math.round(call.durationMs)}ms${retries}${outcome} ${shown}`;
}

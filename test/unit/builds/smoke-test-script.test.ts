/**
 * The logic of the smoke test `mtpipe render` writes (src/templates/mtpipe-smoke-test.py), called
 * function by function in python3 with fakes for the clock and the AWS calls.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SMOKE_TEST_CALLER_ID } from '../../../src/templates/buildspecs.js';

const SCRIPT = fileURLToPath(new URL('../../../src/templates/mtpipe-smoke-test.py', import.meta.url));

/** Runs `code` with the script loaded as `smoke`; what it prints to stdout is parsed as JSON. */
function python(code: string): unknown {
  const prelude = [
    'import importlib.util, json',
    `spec = importlib.util.spec_from_file_location("smoke", ${JSON.stringify(SCRIPT)})`,
    'smoke = importlib.util.module_from_spec(spec)',
    'spec.loader.exec_module(smoke)',
    'def failure(call):',
    '    try:',
    '        call()',
    '    except smoke.SmokeTestFailed as error:',
    '        return str(error)',
    '    return None',
  ].join('\n');
  const run = spawnSync('python3', ['-c', `${prelude}\n${code}`], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

describe('the smoke test script', () => {
  it('names its execution uniquely within Step Functions rules, and keys input and output under its caller id', () => {
    const result = python(`
from datetime import datetime, timezone
name = smoke.execution_name(datetime(2026, 11, 30, 2, 45, 9, tzinfo=timezone.utc), "9f3ac21b")
print(json.dumps({"callerId": smoke.CALLER_ID, "name": name, "key": smoke.input_key(name, "sample_data/sample_test.json"), "output": smoke.analysis_prefix(name)}))
`);
    expect(result).toStrictEqual({
      callerId: SMOKE_TEST_CALLER_ID,
      name: 'mtpipe-smoke-20261130T024509Z-9f3ac21b',
      key: 'mtpipe-smoke/mtpipe-smoke-20261130T024509Z-9f3ac21b/sample_test.json',
      output: 'mtpipe-smoke/mtpipe-smoke-20261130T024509Z-9f3ac21b/analysis/part-',
    });
    expect((result as { name: string }).name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
  });

  it('takes the state machine as a name or an ARN', () => {
    expect(
      python(`print(json.dumps([smoke.state_machine_arn("Flow", "aws-cn", "cn-north-1", "111111111111"), smoke.state_machine_arn("arn:aws:states:us-east-1:1:stateMachine:F", "aws", "x", "2")]))`),
    ).toStrictEqual(['arn:aws-cn:states:cn-north-1:111111111111:stateMachine:Flow', 'arn:aws:states:us-east-1:1:stateMachine:F']);
  });

  it('requires one numeric score per input record across the part files', () => {
    const result = python(`
line = lambda i, score: json.dumps({"recordId": str(i), "score": score})
seven = [ "\\n".join(line(i, 0.8) for i in range(4)) + "\\n", "\\n".join(line(i, 0.7) for i in range(4, 7)) ]
print(json.dumps({
  "all": failure(lambda: smoke.check_scores(7, seven)),
  "one unscored": failure(lambda: smoke.check_scores(7, [seven[0], seven[1].replace("0.7", "null", 1)])),
  "a boolean is no score": failure(lambda: smoke.check_scores(1, [line(0, True)])),
  "missing records": failure(lambda: smoke.check_scores(7, [seven[0]])),
  "empty sample": failure(lambda: smoke.count_records("[]")),
  "records": smoke.count_records('[{"source_text": "a"}, {"source_text": "b"}]'),
}))
`);
    expect(result).toStrictEqual({
      all: null,
      'one unscored': 'the analysis output has 7 record(s), 6 with a score; expected 7, each with a score',
      'a boolean is no score': 'the analysis output has 1 record(s), 0 with a score; expected 1, each with a score',
      'missing records': 'the analysis output has 4 record(s), 4 with a score; expected 7, each with a score',
      'empty sample': 'the sample input is not a non-empty JSON list of records',
      records: 2,
    });
  });

  it('follows the execution until it ends, polling at its interval', () => {
    const result = python(`
now = [0.0]; sleeps = []; stops = []
states = iter(["RUNNING", "RUNNING", "SUCCEEDED"])
def sleep(seconds):
    sleeps.append(seconds); now[0] += seconds
execution = smoke.follow(lambda: {"status": next(states)}, lambda: stops.append(1), 100, 15, clock=lambda: now[0], sleep=sleep)
print(json.dumps({"status": execution["status"], "sleeps": sleeps, "stops": len(stops)}))
`);
    expect(result).toStrictEqual({ status: 'SUCCEEDED', sleeps: [15, 15], stops: 0 });
  });

  it('stops the execution at its deadline and fails, saying so', () => {
    const result = python(`
now = [0.0]; sleeps = []; stops = []
def sleep(seconds):
    sleeps.append(seconds); now[0] += seconds
message = failure(lambda: smoke.follow(lambda: {"status": "RUNNING"}, lambda: stops.append(1), 40, 15, clock=lambda: now[0], sleep=sleep))
print(json.dumps({"message": message, "sleeps": sleeps, "stops": len(stops)}))
`);
    // the last wait is cut to the deadline
    expect(result).toStrictEqual({ message: 'the execution was still RUNNING after 40 s: stopped it', sleeps: [15, 15, 10], stops: 1 });
  });

  it('requires SUCCEEDED, naming the error and cause of any other end', () => {
    expect(
      python(`print(json.dumps([
  failure(lambda: smoke.require_success({"status": "SUCCEEDED"})),
  failure(lambda: smoke.require_success({"status": "FAILED", "error": "States.TaskFailed", "cause": "statusCode 500"})),
  failure(lambda: smoke.require_success({"status": "ABORTED"})),
]))`),
    ).toStrictEqual([null, 'the execution ended FAILED (States.TaskFailed: statusCode 500)', 'the execution ended ABORTED']);
  });

  it('names a missing setting', () => {
    expect(python(`import os\nos.environ.pop("SMOKE_STATE_MACHINE", None)\nprint(json.dumps(failure(lambda: smoke.setting("SMOKE_STATE_MACHINE"))))`)).toBe(
      'SMOKE_STATE_MACHINE is not set',
    );
  });
});

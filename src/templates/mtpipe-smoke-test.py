#!/usr/bin/env python3
"""Smoke test of the deployed machine-translation workflow. Written by `mtpipe render`; the
integration-test build runs it against one environment (builds.integrationTestCommand replaces it).

  1. the quality-estimation endpoint is InService
  2. the sample input is copied to the input bucket under a key no other run uses
  3. the state machine runs once, under a name no other run uses
  4. the execution is followed until it ends or the deadline passes; at the deadline it is stopped
     (the workflow's QualityEstimation state waits for a callback without a timeout: a lost callback
     would leave it RUNNING for a year)
  5. it must have SUCCEEDED
  6. the analysis output (<callerId>/<execution name>/analysis/part-*) holds a score for every record

Settings, from the build's environment:
  SETTING_INPUT_BUCKET_NAME, SETTING_OUTPUT_BUCKET_NAME, SETTING_QUALITY_ESTIMATION_SGM_ENDPOINT_NAME
      (read from Parameter Store by the buildspec)
  SMOKE_STATE_MACHINE     name or ARN of the workflow's state machine
  SMOKE_SAMPLE_FILE       default sample_data/sample_test.json
  SMOKE_TIMEOUT_SECONDS   default 2400; SMOKE_POLL_SECONDS default 15
Exit status 0 when every step passed, 1 with the reason on stderr otherwise.
"""
import json
import os
import secrets
import sys
import time
from datetime import datetime, timezone

CALLER_ID = "mtpipe-smoke"
FINISHED = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


class SmokeTestFailed(Exception):
    """A step failed; the message says which and why."""


def execution_name(now, token):
    """Unique per run: Step Functions names are at most 80 characters of [A-Za-z0-9_-]."""
    return f"{CALLER_ID}-{now.strftime('%Y%m%dT%H%M%SZ')}-{token}"[:80]


def input_key(name, sample_file):
    return f"{CALLER_ID}/{name}/{os.path.basename(sample_file)}"


def analysis_prefix(name):
    return f"{CALLER_ID}/{name}/analysis/part-"


def state_machine_arn(name_or_arn, partition, region, account):
    if name_or_arn.startswith("arn:"):
        return name_or_arn
    return f"arn:{partition}:states:{region}:{account}:stateMachine:{name_or_arn}"


def count_records(sample_text):
    records = json.loads(sample_text)
    if not isinstance(records, list) or not records:
        raise SmokeTestFailed("the sample input is not a non-empty JSON list of records")
    return len(records)


def check_scores(expected, part_texts):
    """The analysis output is JSON lines (Spark); every record needs a numeric score."""
    rows = [json.loads(line) for text in part_texts for line in text.splitlines() if line.strip()]
    scored = [row for row in rows if isinstance(row.get("score"), (int, float)) and not isinstance(row.get("score"), bool)]
    if len(rows) != expected or len(scored) != expected:
        raise SmokeTestFailed(
            f"the analysis output has {len(rows)} record(s), {len(scored)} with a score; expected {expected}, each with a score"
        )


def follow(describe, stop, timeout, poll, clock=time.monotonic, sleep=time.sleep):
    """Polls describe() until the execution ends; stops it and fails at the deadline."""
    deadline = clock() + timeout
    while True:
        execution = describe()
        if execution["status"] in FINISHED:
            return execution
        if clock() >= deadline:
            stop()
            raise SmokeTestFailed(f"the execution was still {execution['status']} after {timeout:g} s: stopped it")
        sleep(min(poll, max(0.0, deadline - clock())))


def require_success(execution):
    if execution["status"] != "SUCCEEDED":
        reason = ": ".join(part for part in (execution.get("error"), execution.get("cause")) if part)
        raise SmokeTestFailed(f"the execution ended {execution['status']}" + (f" ({reason})" if reason else ""))


def setting(name):
    value = os.environ.get(name, "")
    if not value:
        raise SmokeTestFailed(f"{name} is not set")
    return value


def run(log=print):
    import boto3  # on every CodeBuild standard image

    input_bucket = setting("SETTING_INPUT_BUCKET_NAME")
    output_bucket = setting("SETTING_OUTPUT_BUCKET_NAME")
    # solution.sagemakerEndpoint when configured (the role may describe that one), else the setting
    endpoint = os.environ.get("SMOKE_ENDPOINT_NAME") or setting("SETTING_QUALITY_ESTIMATION_SGM_ENDPOINT_NAME")
    machine = setting("SMOKE_STATE_MACHINE")
    sample_file = os.environ.get("SMOKE_SAMPLE_FILE") or "sample_data/sample_test.json"
    timeout = float(os.environ.get("SMOKE_TIMEOUT_SECONDS") or 2400)
    poll = float(os.environ.get("SMOKE_POLL_SECONDS") or 15)

    session = boto3.session.Session()
    identity = session.client("sts").get_caller_identity()
    partition, account = identity["Arn"].split(":")[1], identity["Account"]
    sagemaker, s3, sfn = session.client("sagemaker"), session.client("s3"), session.client("stepfunctions")

    status = sagemaker.describe_endpoint(EndpointName=endpoint)["EndpointStatus"]
    if status != "InService":
        raise SmokeTestFailed(f"endpoint {endpoint} is {status}, not InService")
    log(f"endpoint {endpoint} is InService")

    with open(sample_file, "rb") as sample:
        body = sample.read()
    expected = count_records(body)
    name = execution_name(datetime.now(timezone.utc), secrets.token_hex(4))
    key = input_key(name, sample_file)
    s3.put_object(Bucket=input_bucket, Key=key, Body=body)
    log(f"copied {sample_file} ({expected} records) to s3://{input_bucket}/{key}")

    arn = state_machine_arn(machine, partition, session.region_name, account)
    request = {"callerId": CALLER_ID, "inputFileKey": key, "inputBucket": input_bucket, "outputBucket": output_bucket}
    execution_arn = sfn.start_execution(stateMachineArn=arn, name=name, input=json.dumps(request))["executionArn"]
    log(f"started {execution_arn}; following it for at most {timeout:g} s")
    execution = follow(
        lambda: sfn.describe_execution(executionArn=execution_arn),
        lambda: sfn.stop_execution(executionArn=execution_arn, error="mtpipe.SmokeTestTimeout", cause=f"not finished after {timeout:g} s"),
        timeout,
        poll,
    )
    require_success(execution)
    log("the execution SUCCEEDED")

    listed = s3.list_objects_v2(Bucket=output_bucket, Prefix=analysis_prefix(name)).get("Contents", [])
    if not listed:
        raise SmokeTestFailed(f"no analysis output under s3://{output_bucket}/{analysis_prefix(name)}*")
    texts = [s3.get_object(Bucket=output_bucket, Key=item["Key"])["Body"].read().decode("utf-8") for item in listed]
    check_scores(expected, texts)
    log(f"the analysis output has a score for each of the {expected} records")


def main():
    try:
        run()
    except SmokeTestFailed as failure:
        print(f"smoke test FAILED: {failure}", file=sys.stderr)
        return 1
    except Exception as error:
        # an AWS call that failed (access denied, no such endpoint ...): its message names call and cause
        if not type(error).__module__.startswith("botocore"):
            raise
        print(f"smoke test FAILED: {error}", file=sys.stderr)
        return 1
    print("smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The simulated pipeline executions behind moto_ext_executions.py: their state, and time moving them on.

Each action runs after the one before it; an Approval waits for PutApprovalResult; CodeBuild actions
start a simulated build whose log is written to CloudWatch Logs. See moto_ext_executions.py for the rules.
"""
import os
import threading
import time
import uuid

from moto.codepipeline.models import codepipeline_backends
from moto.core.exceptions import JsonRESTError
from moto.logs.models import logs_backends

_lock = threading.RLock()
# (account, region, pipeline name) -> [execution], oldest first
_executions = {}
_tokens = {}
# build id -> build (for BatchGetBuilds)
_builds = {}

TERMINAL = ("Succeeded", "Failed", "Stopped", "Superseded", "Cancelled")
FAIL_TAG = "mtpipe-sim:fail"
SECONDS_TAG = "mtpipe-sim:seconds"


class PipelineError(JsonRESTError):
    code = 400


def _pipeline(response, name):
    pipeline = codepipeline_backends[response.current_account][response.region].pipelines.get(name)
    if pipeline is None:
        raise PipelineError("PipelineNotFoundException", f"Account '{response.current_account}' does not have a pipeline with name '{name}'")
    return pipeline


def _list(response, name):
    return _executions.setdefault((response.current_account, response.region, name), [])


def _execution(response, name, execution_id):
    _pipeline(response, name)
    for execution in _list(response, name):
        if execution["id"] == execution_id:
            _advance(execution, _list(response, name))
            return execution
    raise PipelineError("PipelineExecutionNotFoundException", f"Pipeline execution with id '{execution_id}' does not exist in pipeline with name '{name}'")


def _seconds(pipeline):
    value = pipeline.tags.get(SECONDS_TAG) or os.environ.get("MTPIPE_SIM_ACTION_SECONDS") or "1"
    return float(value)


def _new_action(stage, action):
    return {
        "stage": stage["name"],
        "name": action["name"],
        "declaration": action,
        "status": None,
        "id": str(uuid.uuid4()),
        "start": None,
        "end": None,
        "token": None,
        "build": None,
        "summary": None,
        "error": None,
    }


def _start(response, pipeline, token):
    declaration = pipeline.pipeline
    failing = [n.strip() for n in (pipeline.tags.get(FAIL_TAG) or "").split(",") if n.strip()]
    stages = []
    for stage in declaration["stages"]:
        ordered = sorted(enumerate(stage["actions"]), key=lambda pair: (pair[1].get("runOrder", 1), pair[0]))
        stages.append({"name": stage["name"], "actions": [_new_action(stage, action) for _, action in ordered]})
    now = time.time()
    return {
        "id": str(uuid.uuid4()),
        "pipeline": declaration["name"],
        "version": declaration.get("version", 1),
        "mode": declaration.get("executionMode", "SUPERSEDED"),
        "status": "InProgress",
        "summary": None,
        "start": now,
        "updated": now,
        "stages": stages,
        "seconds": _seconds(pipeline),
        "failing": failing,
        "account": response.current_account,
        "region": response.region,
        "token": token,
        "stopping": False,
    }


def _provider(action):
    return action["declaration"]["actionTypeId"]


def _begin(execution, action, at):
    action.update(status="InProgress", start=at)
    type_id = _provider(action)
    if type_id["category"] == "Approval":
        action["token"] = str(uuid.uuid4())
    elif type_id["provider"] == "CodeBuild":
        project = action["declaration"].get("configuration", {}).get("ProjectName", "project")
        build_id = f"{project}:{uuid.uuid4()}"
        action["build"] = build_id
        region = execution["region"]
        _builds[build_id] = {
            "id": build_id,
            "arn": f"arn:aws:codebuild:{region}:{execution['account']}:build/{build_id}",
            "projectName": project,
            "buildStatus": "IN_PROGRESS",
            "currentPhase": "BUILD",
            "startTime": at,
            "buildComplete": False,
            "initiator": f"codepipeline/{execution['pipeline']}",
            "logs": {
                "groupName": f"/aws/codebuild/{project}",
                "streamName": build_id.split(":", 1)[1],
                "deepLink": f"https://console.aws.amazon.com/cloudwatch/home?region={region}#logsV2:log-groups",
            },
            "account": execution["account"],
            "region": region,
        }


def _fails(execution, action):
    return action["name"] in execution["failing"] or f"{action['stage']}/{action['name']}" in execution["failing"]


def _finish(execution, action, at):
    failed = _fails(execution, action)
    action.update(status="Failed" if failed else "Succeeded", end=at)
    build = _builds.get(action["build"]) if action["build"] else None
    if build:
        build.update(buildStatus="FAILED" if failed else "SUCCEEDED", currentPhase="COMPLETED", endTime=at, buildComplete=True)
        _write_log(build, failed, at)
        action["summary"] = f"Build {'failed' if failed else 'succeeded'}"
    if failed:
        message = "Build terminated with state: FAILED. Phase BUILD: COMMAND_EXECUTION_ERROR: exit status 1" if build else f"Simulated failure of {action['name']}"
        action["error"] = {"code": "JobFailed", "message": message}
        execution.update(status="Failed", summary=f"Action {action['name']} in stage {action['stage']} failed", updated=at)


def _write_log(build, failed, at):
    backend = logs_backends[build["account"]][build["region"]]
    group, stream = build["logs"]["groupName"], build["logs"]["streamName"]
    if group not in backend.groups:
        backend.create_log_group(group, {})
    if stream not in backend.groups[group].streams:
        backend.create_log_stream(group, stream)
    lines = [f"[Container] Entering phase INSTALL"] + [f"[Container] step {n} of {build['projectName']}" for n in range(1, 41)]
    if failed:
        lines += ["[Container] Running command ./scripts/test.sh", "FAILED test_translation.py::test_quality - AssertionError", "[Container] Command did not exit successfully ./scripts/test.sh exit status 1", "[Container] Phase complete: BUILD State: FAILED"]
    else:
        lines += ["[Container] Phase complete: BUILD State: SUCCEEDED"]
    millis = int(at * 1000)
    backend.put_log_events(group, stream, [{"timestamp": millis, "message": line} for line in lines])


def _newer_exists(execution, executions):
    return any(other["start"] > execution["start"] and other["id"] != execution["id"] for other in executions)


def _advance(execution, executions):
    """Moves the execution forward to now: each action takes execution['seconds'], approvals wait."""
    with _lock:
        now = time.time()
        cursor = execution["updated"]
        for index, stage in enumerate(execution["stages"]):
            if execution["status"] in TERMINAL:
                return
            entered = any(a["status"] for a in stage["actions"])
            if not entered:
                if execution["stopping"]:
                    execution.update(status="Stopped", updated=cursor)
                    return
                if execution["mode"] == "SUPERSEDED" and index > 0 and _newer_exists(execution, executions):
                    execution.update(status="Superseded", summary="Superseded by a newer execution", updated=cursor)
                    return
            for action in stage["actions"]:
                if action["status"] in ("Succeeded",):
                    cursor = max(cursor, action["end"])
                    continue
                if action["status"] is None:
                    if cursor > now:
                        return
                    _begin(execution, action, cursor)
                if action["status"] == "InProgress":
                    if _provider(action)["category"] == "Approval":
                        return
                    done = action["start"] + execution["seconds"]
                    if done > now:
                        return
                    _finish(execution, action, done)
                    cursor = done
                    if action["status"] == "Failed":
                        return
                    execution["updated"] = done
        if execution["status"] in ("InProgress", "Stopping"):
            execution.update(status="Stopped" if execution["stopping"] else "Succeeded", updated=cursor)


def _stage_status(actions):
    statuses = [a["status"] for a in actions if a["status"]]
    if "Failed" in statuses:
        return "Failed"
    if "InProgress" in statuses:
        return "InProgress"
    if "Abandoned" in statuses:
        return "Stopped"
    return "Succeeded"

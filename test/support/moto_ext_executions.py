"""Pipeline executions, which moto 5.2 lacks: a simulated execution that walks the pipeline's stages.

After the CodePipeline API reference (StartPipelineExecution, GetPipelineExecution, ListPipelineExecutions,
GetPipelineState, ListActionExecutions, PutApprovalResult, StopPipelineExecution), loaded by moto_server.py.
The stages and actions are those moto stores for the pipeline (its declaration). Time is simulated lazily:
every read advances the executions to the wall clock.

- Each action runs after the one before it (runOrder, then declaration order): InProgress for a short
  delay, then Succeeded. The delay is 1 second, or the pipeline tag `mtpipe-sim:seconds` (e.g. "0.3"), or
  the environment variable MTPIPE_SIM_ACTION_SECONDS of the moto process.
- An Approval action stays InProgress until PutApprovalResult with its token (GetPipelineState shows the
  token): Approved → Succeeded; Rejected → Failed and the execution Failed.
- To make actions fail, tag the pipeline `mtpipe-sim:fail` = comma-separated action names (or
  `Stage/Action`); read when an execution starts. The action ends Failed after its delay, with error
  details, and the execution is Failed.
- CodeBuild actions start a simulated build `<project>:<uuid>`: BatchGetBuilds answers it (other ids go to
  moto), and its log lines are written to CloudWatch Logs `/aws/codebuild/<project>`, stream `<uuid>`
  (a failed build ends with the failing command's error, as CodeBuild's own log does).
- executionMode SUPERSEDED: an execution about to enter its next stage while a newer execution of the same
  pipeline exists becomes Superseded (AWS supersedes at stage boundaries). QUEUED and PARALLEL executions
  simply run side by side here.
- clientRequestToken: a second start with the same token answers the first execution's id.
State is cleared with the rest of moto on POST /moto-api/reset.
"""
import json
import os
import threading
import time
import uuid

from moto.codebuild.responses import CodeBuildResponse
from moto.codepipeline.models import codepipeline_backends
from moto.codepipeline.responses import CodePipelineResponse
from moto.core.exceptions import JsonRESTError
from moto.logs.models import logs_backends
from moto.moto_api._internal import models as moto_api_models

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


def _summary(execution):
    return {
        "pipelineExecutionId": execution["id"],
        "status": execution["status"],
        **({"statusSummary": execution["summary"]} if execution["summary"] else {}),
        "startTime": execution["start"],
        "lastUpdateTime": execution["updated"],
        "trigger": {"triggerType": "StartPipelineExecution", "triggerDetail": f"arn:aws:iam::{execution['account']}:user/moto"},
        "executionMode": execution["mode"],
        "executionType": "STANDARD",
        "sourceRevisions": [],
    }


def _result(action):
    result = {}
    if action["build"]:
        build = action["build"]
        region = _builds[build]["region"]
        result.update(
            externalExecutionId=build,
            externalExecutionUrl=f"https://console.aws.amazon.com/codebuild/home?region={region}#/builds/{build}/view/new",
        )
    if action["summary"]:
        result["externalExecutionSummary"] = action["summary"]
    if action["error"]:
        result["errorDetails"] = action["error"]
    return result


def start_pipeline_execution(self):
    name = self._get_param("name")
    token = self._get_param("clientRequestToken")
    with _lock:
        pipeline = _pipeline(self, name)
        key = (self.current_account, self.region, name, token)
        if token and key in _tokens:
            return json.dumps({"pipelineExecutionId": _tokens[key]})
        execution = _start(self, pipeline, token)
        executions = _list(self, name)
        executions.append(execution)
        if token:
            _tokens[key] = execution["id"]
        _advance(execution, executions)
    return json.dumps({"pipelineExecutionId": execution["id"]})


def get_pipeline_execution(self):
    name = self._get_param("pipelineName")
    execution = _execution(self, name, self._get_param("pipelineExecutionId"))
    body = {
        "pipelineName": name,
        "pipelineVersion": execution["version"],
        "pipelineExecutionId": execution["id"],
        "status": execution["status"],
        **({"statusSummary": execution["summary"]} if execution["summary"] else {}),
        "artifactRevisions": [],
        "trigger": _summary(execution)["trigger"],
        "executionMode": execution["mode"],
        "executionType": "STANDARD",
    }
    return json.dumps({"pipelineExecution": body})


def _page(self, items, key):
    limit = int(self._get_param("maxResults") or 100)
    offset = int(self._get_param("nextToken") or 0)
    body = {key: items[offset : offset + limit]}
    if offset + limit < len(items):
        body["nextToken"] = str(offset + limit)
    return json.dumps(body)


def list_pipeline_executions(self):
    name = self._get_param("pipelineName")
    _pipeline(self, name)
    executions = _list(self, name)
    for execution in executions:
        _advance(execution, executions)
    newest_first = sorted(executions, key=lambda e: e["start"], reverse=True)
    return _page(self, [_summary(e) for e in newest_first], "pipelineExecutionSummaries")


def list_action_executions(self):
    name = self._get_param("pipelineName")
    _pipeline(self, name)
    wanted = (self._get_param("filter") or {}).get("pipelineExecutionId")
    executions = _list(self, name)
    details = []
    for execution in executions:
        _advance(execution, executions)
        if wanted and execution["id"] != wanted:
            continue
        for stage in execution["stages"]:
            for action in stage["actions"]:
                if not action["status"]:
                    continue
                declaration = action["declaration"]
                details.append(
                    {
                        "pipelineExecutionId": execution["id"],
                        "actionExecutionId": action["id"],
                        "pipelineVersion": execution["version"],
                        "stageName": action["stage"],
                        "actionName": action["name"],
                        "startTime": action["start"],
                        "lastUpdateTime": action["end"] or action["start"],
                        "status": action["status"],
                        "input": {
                            "actionTypeId": declaration["actionTypeId"],
                            "configuration": declaration.get("configuration", {}),
                            "resolvedConfiguration": declaration.get("configuration", {}),
                            "region": self.region,
                            "inputArtifacts": [],
                            **({"namespace": declaration["namespace"]} if declaration.get("namespace") else {}),
                        },
                        "output": {"outputArtifacts": [], "executionResult": _result(action), "outputVariables": {}},
                    }
                )
    if wanted and not any(e["id"] == wanted for e in executions):
        raise PipelineError("PipelineExecutionNotFoundException", f"Pipeline execution with id '{wanted}' does not exist in pipeline with name '{name}'")
    details.sort(key=lambda d: d["startTime"], reverse=True)
    return _page(self, details, "actionExecutionDetails")


def get_pipeline_state(self):
    name = self._get_param("name")
    pipeline = _pipeline(self, name)
    executions = _list(self, name)
    for execution in executions:
        _advance(execution, executions)
    states = []
    for stage in pipeline.pipeline["stages"]:
        state = {"stageName": stage["name"], "inboundTransitionState": {"enabled": True}, "actionStates": [{"actionName": a["name"]} for a in stage["actions"]]}
        entered = [
            (execution, next(s for s in execution["stages"] if s["name"] == stage["name"]))
            for execution in executions
            if any(s["name"] == stage["name"] and any(a["status"] for a in s["actions"]) for s in execution["stages"])
        ]
        if entered:
            execution, run = max(entered, key=lambda pair: min(a["start"] for a in pair[1]["actions"] if a["start"]))
            state["latestExecution"] = {"pipelineExecutionId": execution["id"], "status": _stage_status(run["actions"])}
            by_name = {a["name"]: a for a in run["actions"]}
            for action_state in state["actionStates"]:
                action = by_name.get(action_state["actionName"])
                if not action or not action["status"]:
                    continue
                latest = {
                    "actionExecutionId": action["id"],
                    "status": action["status"],
                    "lastStatusChange": action["end"] or action["start"],
                    **_result(action),
                }
                if action["token"] and action["status"] == "InProgress":
                    latest["token"] = action["token"]
                if action["summary"]:
                    latest["summary"] = action["summary"]
                action_state["latestExecution"] = latest
        states.append(state)
    meta = pipeline.metadata
    return json.dumps({"pipelineName": name, "pipelineVersion": pipeline.pipeline.get("version", 1), "stageStates": states, "created": meta["created"], "updated": meta["updated"]})


def put_approval_result(self):
    name = self._get_param("pipelineName")
    stage_name = self._get_param("stageName")
    action_name = self._get_param("actionName")
    result = self._get_param("result") or {}
    token = self._get_param("token")
    pipeline = _pipeline(self, name)
    stage = next((s for s in pipeline.pipeline["stages"] if s["name"] == stage_name), None)
    if stage is None:
        raise PipelineError("StageNotFoundException", f"Stage {stage_name} does not exist in pipeline {name}")
    if not any(a["name"] == action_name for a in stage["actions"]):
        raise PipelineError("ActionNotFoundException", f"Action {action_name} does not exist in stage {stage_name}")
    with _lock:
        executions = _list(self, name)
        for execution in executions:
            _advance(execution, executions)
            for run in execution["stages"]:
                for action in run["actions"]:
                    if action["stage"] != stage_name or action["name"] != action_name or action["token"] != token:
                        continue
                    if action["status"] != "InProgress" or execution["status"] in TERMINAL:
                        raise PipelineError("ApprovalAlreadyCompletedException", f"The approval action {action_name} has already completed")
                    now = time.time()
                    approved = result.get("status") == "Approved"
                    action.update(status="Succeeded" if approved else "Failed", end=now, summary=result.get("summary"))
                    if not approved:
                        action["error"] = {"code": "JobFailed", "message": f"Rejected: {result.get('summary') or ''}"}
                        execution.update(status="Failed", summary=f"Approval {action_name} was rejected", updated=now)
                    else:
                        execution["updated"] = now
                        _advance(execution, executions)
                    return json.dumps({"approvedAt": now})
    raise PipelineError("InvalidApprovalTokenException", f"The token for the approval action {action_name} in stage {stage_name} is not valid")


def stop_pipeline_execution(self):
    name = self._get_param("pipelineName")
    execution = _execution(self, name, self._get_param("pipelineExecutionId"))
    with _lock:
        if execution["status"] == "Stopping" or execution["stopping"]:
            raise PipelineError("DuplicatedStopRequestException", "A stop request for this execution was already made")
        if execution["status"] != "InProgress":
            raise PipelineError("PipelineExecutionNotStoppableException", f"Pipeline execution {execution['id']} is {execution['status']}: it cannot be stopped")
        now = time.time()
        reason = self._get_param("reason")
        if self._get_param("abandon"):
            for stage in execution["stages"]:
                for action in stage["actions"]:
                    if action["status"] == "InProgress":
                        action.update(status="Abandoned", end=now)
            execution.update(status="Stopped", updated=now)
        else:
            # Stopping: the running action finishes, then Stopped (see _advance)
            execution.update(stopping=True, status="Stopping", updated=now)
        if reason:
            execution["summary"] = reason
    return json.dumps({"pipelineExecutionId": execution["id"]})


for handler in (
    start_pipeline_execution,
    get_pipeline_execution,
    list_pipeline_executions,
    list_action_executions,
    get_pipeline_state,
    put_approval_result,
    stop_pipeline_execution,
):
    setattr(CodePipelineResponse, handler.__name__, handler)


_original_batch_get_builds = getattr(CodeBuildResponse, "batch_get_builds")


def batch_get_builds(self):
    ids = self._get_param("ids") or []
    ours = [i for i in ids if i in _builds]
    if not ours:
        return _original_batch_get_builds(self)
    for execution_list in list(_executions.values()):
        for execution in execution_list:
            _advance(execution, execution_list)
    builds = [{k: v for k, v in _builds[i].items() if k not in ("account", "region")} for i in ours]
    return json.dumps({"builds": builds, "buildsNotFound": [i for i in ids if i not in _builds]})


CodeBuildResponse.batch_get_builds = batch_get_builds

_original_reset = moto_api_models.MotoAPIBackend.reset


def reset(self):
    with _lock:
        _executions.clear()
        _tokens.clear()
        _builds.clear()
    return _original_reset(self)


moto_api_models.MotoAPIBackend.reset = reset

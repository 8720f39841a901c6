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
import time

from moto.codebuild.responses import CodeBuildResponse
from moto.codepipeline.responses import CodePipelineResponse
from moto.moto_api._internal import models as moto_api_models

# next to this file; moto_server.py runs from this directory, so it is on sys.path
from execution_simulation import (
    TERMINAL,
    PipelineError,
    _advance,
    _builds,
    _execution,
    _executions,
    _list,
    _lock,
    _pipeline,
    _stage_status,
    _start,
    _tokens,
)


def _summary(execution):
    return {
        "pipelineExecutionId": execution["id"],
        "status": execution["status"],
        **({"statusSummary": execution["summary"]} if execution["summary"] else {}),
        "startTime": execution["start"],
        "lastUpdateTime": execution["updated"],
        "trigger": execution.get("trigger") or {"triggerType": "StartPipelineExecution", "triggerDetail": f"arn:aws:iam::{execution['account']}:user/moto"},
        "executionMode": execution["mode"],
        "executionType": "STANDARD",
        "sourceRevisions": execution.get("sourceRevisions", []),
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

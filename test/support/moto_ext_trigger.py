"""A push starts the pipeline: what the EventBridge trigger rule does on AWS, which moto does not deliver.

After a successful CreateCommit (moto_ext_commits.py), every pipeline of that account and region whose
CodeCommit source names the repository and branch with PollForSourceChanges "false", and that an ENABLED
EventBridge rule targets (the trigger rule create-pipeline makes), starts a simulated execution
(execution_simulation.py) whose sourceRevisions name the commit — as an execution started by the rule
does (trigger type CloudWatchEvent). Loaded after moto_ext_commits.py and moto_ext_executions.py.
"""
import json

from moto.codecommit.responses import CodeCommitResponse
from moto.codepipeline.models import codepipeline_backends
from moto.events.models import events_backends

from execution_simulation import _advance, _list, _lock, _pipeline, _start


def _source_of(declaration):
    for stage in declaration.get("stages", []):
        for action in stage.get("actions", []):
            type_id = action.get("actionTypeId", {})
            if type_id.get("category") == "Source" and type_id.get("provider") == "CodeCommit":
                return action
    return None


def _triggered(account, region, pipeline_arn):
    for bus in events_backends[account][region].event_buses.values():
        for rule in bus.rules.values():
            if rule.state == "ENABLED" and any(target.get("Arn") == pipeline_arn for target in rule.targets):
                return True
    return False


def _start_triggered(response, repository, branch, commit_id):
    pipelines = codepipeline_backends[response.current_account][response.region].pipelines
    for name, pipeline in list(pipelines.items()):
        action = _source_of(pipeline.pipeline)
        if action is None:
            continue
        configuration = action.get("configuration", {})
        if configuration.get("RepositoryName") != repository or configuration.get("BranchName") != branch:
            continue
        if str(configuration.get("PollForSourceChanges", "true")).lower() != "false":
            continue
        if not _triggered(response.current_account, response.region, pipeline._arn):
            continue
        with _lock:
            execution = _start(response, _pipeline(response, name), None)
            execution["trigger"] = {"triggerType": "CloudWatchEvent", "triggerDetail": f"arn:aws:events:{response.region}:{response.current_account}:rule/{name}-trigger"}
            execution["sourceRevisions"] = [{"actionName": action["name"], "revisionId": commit_id, "revisionSummary": json.dumps({"ProviderType": "CodeCommit"})}]
            executions = _list(response, name)
            executions.append(execution)
            _advance(execution, executions)


_create_commit = CodeCommitResponse.create_commit


def create_commit(self):
    answer = _create_commit(self)
    _start_triggered(self, self._get_param("repositoryName"), self._get_param("branchName"), json.loads(answer)["commitId"])
    return answer


CodeCommitResponse.create_commit = create_commit

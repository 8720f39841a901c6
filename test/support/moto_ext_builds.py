"""CodeBuild corrections for create-builds, after the CodeBuild API reference (loaded by moto_server.py).

1. Source and artifacts of type CODEPIPELINE have no location: "If type is set to CODEPIPELINE, CodePipeline
   ignores this value" (ProjectSource.location / ProjectArtifacts.location). moto 5.2 requires one anyway.
2. BatchGetProjects returns the names it did not find in projectsNotFound; moto leaves them out.
3. UpdateProject, which moto 5.2 lacks: the members given replace the project's; `tags`, when given,
   replaces the whole tag list; an unknown project is ResourceNotFoundException. mtpipe's exact
   UpdateProject requests are asserted in unit tests as well; this lets the integration tests converge
   a drifted project.
4. CreateProject adds the environment variable CODEBUILD_CONFIG_AUTO_DISCOVER=true to the project, as AWS
   does for every project it creates (seen on real accounts since 2025; not in the API reference): a
   tool that compares the whole variable list plans to strip it on the next run.
"""
import json

from moto.codebuild import responses as codebuild_responses
from moto.codebuild.exceptions import ResourceNotFoundException
from moto.codebuild.responses import CodeBuildResponse
from moto.core.utils import unix_time

_original_validate_source = codebuild_responses._validate_required_params_source
_original_validate_artifacts = codebuild_responses._validate_required_params_artifacts


def _validate_source(source):
    if source.get("type") == "CODEPIPELINE":
        return
    _original_validate_source(source)


def _validate_artifacts(artifacts):
    if artifacts.get("type") == "CODEPIPELINE":
        return
    _original_validate_artifacts(artifacts)


codebuild_responses._validate_required_params_source = _validate_source
codebuild_responses._validate_required_params_artifacts = _validate_artifacts


def batch_get_projects(self):
    names = self._get_param("names")
    projects = self.codebuild_backend.batch_get_projects(names)
    found = {p["name"] for p in projects} | {p["arn"] for p in projects}
    return json.dumps({"projects": projects, "projectsNotFound": [n for n in names if n not in found]})


# UpdateProject request member -> key in moto's project metadata
_UPDATABLE = {
    "description": "description",
    "source": "source",
    "artifacts": "artifacts",
    "environment": "environment",
    "serviceRole": "serviceRole",
    "timeoutInMinutes": "timeoutInMinutes",
    "queuedTimeoutInMinutes": "queuedTimeoutInMinutes",
    "cache": "cache",
    "logsConfig": "logsConfig",
    "sourceVersion": "sourceVersion",
    "vpcConfig": "vpcConfig",
    "encryptionKey": "encryptionKey",
}


def update_project(self):
    name = self._get_param("name")
    project = self.codebuild_backend.codebuild_projects.get(name)
    if project is None:
        arn = f"arn:aws:codebuild:{self.region}:{self.current_account}:project/{name}"
        raise ResourceNotFoundException(f"Project cannot be found: {arn}")
    if self._get_param("source") is not None:
        _validate_source(self._get_param("source"))
    if self._get_param("artifacts") is not None:
        _validate_artifacts(self._get_param("artifacts"))
    if self._get_param("environment") is not None:
        codebuild_responses._validate_required_params_environment(self._get_param("environment"))
    if self._get_param("serviceRole") is not None:
        codebuild_responses._validate_required_params_service_role(self.current_account, self.region, self._get_param("serviceRole"))
        project.service_role = self._get_param("serviceRole")
    metadata = project.project_metadata
    for member, key in _UPDATABLE.items():
        value = self._get_param(member)
        if value is not None:
            metadata[key] = value
    if self._get_param("tags") is not None:
        project.tags = self._get_param("tags")
        metadata["tags"] = project.tags
    metadata["lastModifiedDate"] = unix_time()
    return json.dumps({"project": metadata})


_original_create_project = CodeBuildResponse.create_project
AUTO_DISCOVER = {"name": "CODEBUILD_CONFIG_AUTO_DISCOVER", "value": "true", "type": "PLAINTEXT"}


def create_project(self):
    _original_create_project(self)
    metadata = self.codebuild_backend.codebuild_projects[self._get_param("name")].project_metadata
    environment = metadata["environment"]
    environment["environmentVariables"] = [*environment.get("environmentVariables", []), dict(AUTO_DISCOVER)]
    return json.dumps({"project": metadata})


CodeBuildResponse.create_project = create_project
CodeBuildResponse.batch_get_projects = batch_get_projects
CodeBuildResponse.update_project = update_project

"""Deletes moto 5.2 lacks, for mtpipe destroy, after the AWS API references (loaded by moto_server.py).

1. CodeDeploy DeleteDeploymentGroup ({"hooksNotCleanedUp": []}) and DeleteApplication (with its
   deployment groups, {}). Neither reports a missing application or group: AWS lists no such error.
2. CodeCommit approval rule templates (emulated in moto_server.py): ListRepositoriesForApprovalRuleTemplate,
   DisassociateApprovalRuleTemplateFromRepository (ApprovalRuleTemplateDoesNotExistException /
   RepositoryDoesNotExistException) and DeleteApprovalRuleTemplate: a template still associated with a
   repository is ApprovalRuleTemplateInUseException; a template that is gone answers 200 with no id.
   Associations with a repository that was deleted disappear, as in CodeCommit.
3. CodeCommit ListRepositories ({"repositories": [{"repositoryName", "repositoryId"}]}, one page), so that
   tests can list what is left.
mtpipe's exact requests for these are asserted in unit tests as well.
"""
import json

from moto.codecommit.responses import CodeCommitResponse
from moto.codedeploy.responses import CodeDeployResponse
from moto.core.exceptions import JsonRESTError


class CodeCommitError(JsonRESTError):
    code = 400


def _backend(response):
    return response.codecommit_backend


def _templates(response):
    """The template store of moto_server.py's emulation (backend.mtpipe_templates)."""
    backend = _backend(response)
    if not hasattr(backend, "mtpipe_templates"):
        backend.mtpipe_templates = {}
    return backend.mtpipe_templates


def _template(response, name):
    template = _templates(response).get(name)
    if template is None:
        raise CodeCommitError("ApprovalRuleTemplateDoesNotExistException", f"The approval rule template {name} does not exist.")
    return template


def _repository(response, name):
    if name not in _backend(response).repositories:
        raise CodeCommitError("RepositoryDoesNotExistException", f"{name} does not exist")


def delete_deployment_group(self):
    backend = self.codedeploy_backend
    groups = backend.deployment_groups.get(self._get_param("applicationName"), {})
    groups.pop(self._get_param("deploymentGroupName"), None)
    return json.dumps({"hooksNotCleanedUp": []})


def delete_application(self):
    backend = self.codedeploy_backend
    name = self._get_param("applicationName")
    backend.applications.pop(name, None)
    backend.deployment_groups.pop(name, None)
    return "{}"


for handler in (delete_deployment_group, delete_application):
    setattr(CodeDeployResponse, handler.__name__, handler)


def _live_associations(response, template):
    repositories = _backend(response).repositories
    template["associations"] = [name for name in template["associations"] if name in repositories]
    return template["associations"]


def list_repositories_for_approval_rule_template(self):
    template = _template(self, self._get_param("approvalRuleTemplateName"))
    return json.dumps({"repositoryNames": sorted(_live_associations(self, template))})


def disassociate_approval_rule_template_from_repository(self):
    template = _template(self, self._get_param("approvalRuleTemplateName"))
    name = self._get_param("repositoryName")
    _repository(self, name)
    if name in template["associations"]:
        template["associations"].remove(name)
    return "{}"


def delete_approval_rule_template(self):
    name = self._get_param("approvalRuleTemplateName")
    template = _templates(self).get(name)
    if template is None:
        return "{}"
    if _live_associations(self, template):
        raise CodeCommitError(
            "ApprovalRuleTemplateInUseException",
            "The approval rule template is associated with one or more repositories. Remove all associations, and then try again.",
        )
    del _templates(self)[name]
    return json.dumps({"approvalRuleTemplateId": template["approvalRuleTemplateId"]})


def list_repositories(self):
    repositories = _backend(self).repositories
    listed = [
        {"repositoryName": name, "repositoryId": repository.repository_metadata.get("repositoryId")}
        for name, repository in sorted(repositories.items())
    ]
    return json.dumps({"repositories": listed})


for handler in (
    list_repositories,
    list_repositories_for_approval_rule_template,
    disassociate_approval_rule_template_from_repository,
    delete_approval_rule_template,
):
    setattr(CodeCommitResponse, handler.__name__, handler)

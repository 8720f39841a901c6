"""Starts a moto server for mtpipe's integration tests, with two kinds of corrections.

1. Timestamps. moto returns CodeCommit repository dates, CodeDeploy create times and CodePipeline
   metadata.created/updated as ISO strings where the AWS JSON protocol sends epoch seconds; the JS SDK
   then fails with "Expected real number, got implicit NaN". They are made epoch numbers here.
2. CodeCommit calls moto 5.2 lacks (it has Create/Get/DeleteRepository only): repository tags,
   UpdateRepositoryDescription and approval rule templates, emulated after the CodeCommit API reference
   so that init-repo can run end to end. The exact requests mtpipe sends for them are asserted in unit
   tests as well.

Usage: python3 moto_server.py -H 127.0.0.1 -p PORT
"""
import hashlib
import json
import sys
import uuid

from moto.core.exceptions import JsonRESTError
from moto.core.utils import unix_time
import moto.codecommit.models as codecommit_models
import moto.codedeploy.models as codedeploy_models
import moto.codepipeline.models as codepipeline_models
from moto.codecommit.responses import CodeCommitResponse


def epoch_seconds(dt=None):
    return unix_time(dt)


for module in (codecommit_models, codedeploy_models, codepipeline_models):
    module.iso_8601_datetime_with_milliseconds = epoch_seconds


class CodeCommitError(JsonRESTError):
    code = 400


def _backend(response):
    return response.codecommit_backend


def _repository(response, name):
    repository = _backend(response).repositories.get(name)
    if repository is None:
        raise CodeCommitError("RepositoryDoesNotExistException", f"{name} does not exist")
    return repository


def _templates(response):
    backend = _backend(response)
    if not hasattr(backend, "mtpipe_templates"):
        backend.mtpipe_templates = {}
    return backend.mtpipe_templates


def _template(response, name):
    template = _templates(response).get(name)
    if template is None:
        raise CodeCommitError(
            "ApprovalRuleTemplateDoesNotExistException",
            f"The approval rule template {name} does not exist.",
        )
    return template


def _sha256(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


original_create_repository = CodeCommitResponse.create_repository


def create_repository(self):
    body = original_create_repository(self)
    name = self._get_param("repositoryName")
    _repository(self, name).tags = dict(self._get_param("tags") or {})
    return body


def list_tags_for_resource(self):
    arn = self._get_param("resourceArn")
    name = arn.split(":")[-1]
    return json.dumps({"tags": getattr(_repository(self, name), "tags", {})})


def tag_resource(self):
    name = self._get_param("resourceArn").split(":")[-1]
    repository = _repository(self, name)
    repository.tags = {**getattr(repository, "tags", {}), **(self._get_param("tags") or {})}
    return "{}"


def update_repository_description(self):
    repository = _repository(self, self._get_param("repositoryName"))
    repository.repository_metadata["repositoryDescription"] = self._get_param("repositoryDescription")
    return "{}"


def _template_body(template):
    return json.dumps({"approvalRuleTemplate": template})


def create_approval_rule_template(self):
    name = self._get_param("approvalRuleTemplateName")
    if name in _templates(self):
        raise CodeCommitError(
            "ApprovalRuleTemplateNameAlreadyExistsException",
            f"An approval rule template with the name {name} already exists.",
        )
    content = self._get_param("approvalRuleTemplateContent")
    json.loads(content)  # invalid JSON is rejected like AWS does (InvalidApprovalRuleTemplateContent)
    now = unix_time()
    template = {
        "approvalRuleTemplateId": str(uuid.uuid4()),
        "approvalRuleTemplateName": name,
        "approvalRuleTemplateDescription": self._get_param("approvalRuleTemplateDescription") or "",
        "approvalRuleTemplateContent": content,
        "ruleContentSha256": _sha256(content),
        "lastModifiedDate": now,
        "creationDate": now,
        "lastModifiedUser": f"arn:aws:iam::{self.current_account}:user/moto",
        "associations": [],
    }
    _templates(self)[name] = template
    return _template_body({k: v for k, v in template.items() if k != "associations"})


def get_approval_rule_template(self):
    template = _template(self, self._get_param("approvalRuleTemplateName"))
    return _template_body({k: v for k, v in template.items() if k != "associations"})


def update_approval_rule_template_content(self):
    template = _template(self, self._get_param("approvalRuleTemplateName"))
    existing = self._get_param("existingRuleContentSha256")
    if existing and existing != template["ruleContentSha256"]:
        raise CodeCommitError("InvalidRuleContentSha256Exception", "The SHA-256 hash signature for the rule content is not valid.")
    content = self._get_param("newRuleContent")
    json.loads(content)
    template.update(approvalRuleTemplateContent=content, ruleContentSha256=_sha256(content), lastModifiedDate=unix_time())
    return get_approval_rule_template(self)


def update_approval_rule_template_description(self):
    template = _template(self, self._get_param("approvalRuleTemplateName"))
    template.update(approvalRuleTemplateDescription=self._get_param("approvalRuleTemplateDescription"), lastModifiedDate=unix_time())
    return get_approval_rule_template(self)


def associate_approval_rule_template_with_repository(self):
    template = _template(self, self._get_param("approvalRuleTemplateName"))
    name = self._get_param("repositoryName")
    _repository(self, name)
    if name not in template["associations"]:
        template["associations"].append(name)
    return "{}"


def list_associated_approval_rule_templates_for_repository(self):
    name = self._get_param("repositoryName")
    _repository(self, name)
    names = sorted(t["approvalRuleTemplateName"] for t in _templates(self).values() if name in t["associations"])
    return json.dumps({"approvalRuleTemplateNames": names})


for handler in (
    create_repository,
    list_tags_for_resource,
    tag_resource,
    update_repository_description,
    create_approval_rule_template,
    get_approval_rule_template,
    update_approval_rule_template_content,
    update_approval_rule_template_description,
    associate_approval_rule_template_with_repository,
    list_associated_approval_rule_templates_for_repository,
):
    setattr(CodeCommitResponse, handler.__name__, handler)


# Further corrections live in moto_ext_*.py next to this file, one per service; each is imported here.
def _load_extensions():
    import importlib.util
    import pathlib

    for path in sorted(pathlib.Path(__file__).parent.glob("moto_ext_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)


_load_extensions()


if __name__ == "__main__":
    from moto.server import main

    main(sys.argv[1:])

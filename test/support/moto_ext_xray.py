"""What setup-monitoring's tracing needs of moto 5.2 (loaded by moto_server.py), after the AWS API references.

1. X-Ray groups, which moto lacks (it has trace segments only): CreateGroup, GetGroup, UpdateGroup,
   DeleteGroup, GetGroups, and the tags of a group (TagResource, UntagResource, ListTagsForResource).
   A group's ARN is arn:<partition>:xray:<region>:<account>:group/<name>/<id>; an unknown group is
   InvalidRequestException "Group not found", a second CreateGroup of a name InvalidRequestException
   "Group already exists"; GroupName is 1-32 characters. UpdateGroup changes only what it is given.
   mtpipe's exact requests are asserted in unit tests as well.
2. Lambda UpdateFunctionConfiguration: moto accepts TracingConfig but keeps PassThrough, so a second run
   would find every function untraced again. Here the function keeps the Mode it was sent (a correction:
   Lambda does).
3. CloudFormation AWS::StepFunctions::StateMachine: moto drops TracingConfiguration ({Enabled: true}
   in the template); here the state machine gets it, as CloudFormation sets it ({enabled: true} in the API).
4. The AWS managed policy AWSXRayDaemonWriteAccess, which setup-monitoring attaches to the functions'
   roles, joins the few moto_ext_iam_secrets.py defines in each account (from moto's own copy).
"""
import json
import random
import string

from moto.awslambda.models import LambdaFunction
from moto.iam.aws_managed_policies import aws_managed_policies_data
from moto.iam.models import AWSManagedPolicy, IAMBackend
from moto.stepfunctions import models as sfn_models
from moto.utilities.utils import get_partition
import moto.xray.urls as xray_urls
from moto.xray.responses import XRayResponse

MAX_GROUP_NAME = 32


def _store(response):
    backend = response.xray_backend
    if not hasattr(backend, "mtpipe_groups"):
        backend.mtpipe_groups = {}
    return backend.mtpipe_groups


def _group_body(group):
    return {
        "GroupName": group["GroupName"],
        "GroupARN": group["GroupARN"],
        "FilterExpression": group["FilterExpression"],
        "InsightsConfiguration": group["InsightsConfiguration"],
    }


def _find(response):
    groups = _store(response)
    name = response._get_param("GroupName")
    arn = response._get_param("GroupARN")
    for group in groups.values():
        if (name and group["GroupName"] == name) or (arn and group["GroupARN"] == arn):
            return group
    return None


def _not_found(response):
    return response._error("InvalidRequestException", "Group not found")


def create_group(self):
    name = self._get_param("GroupName") or ""
    if not 1 <= len(name) <= MAX_GROUP_NAME:
        return self._error("InvalidRequestException", f"GroupName must be 1 to {MAX_GROUP_NAME} characters")
    groups = _store(self)
    if name in groups:
        return self._error("InvalidRequestException", "Group already exists")
    suffix = "".join(random.choice(string.ascii_uppercase + string.digits) for _ in range(26))
    group = {
        "GroupName": name,
        "GroupARN": f"arn:{get_partition(self.region)}:xray:{self.region}:{self.current_account}:group/{name}/{suffix}",
        "FilterExpression": self._get_param("FilterExpression"),
        "InsightsConfiguration": self._get_param("InsightsConfiguration") or {"InsightsEnabled": False, "NotificationsEnabled": False},
        "Tags": {tag["Key"]: tag["Value"] for tag in self._get_param("Tags") or []},
    }
    groups[name] = group
    return json.dumps({"Group": _group_body(group)})


def get_group(self):
    group = _find(self)
    return json.dumps({"Group": _group_body(group)}) if group else _not_found(self)


def update_group(self):
    group = _find(self)
    if not group:
        return _not_found(self)
    if self._get_param("FilterExpression") is not None:
        group["FilterExpression"] = self._get_param("FilterExpression")
    if self._get_param("InsightsConfiguration") is not None:
        group["InsightsConfiguration"].update(self._get_param("InsightsConfiguration"))
    return json.dumps({"Group": _group_body(group)})


def delete_group(self):
    group = _find(self)
    if not group:
        return _not_found(self)
    del _store(self)[group["GroupName"]]
    return "{}"


def groups(self):
    return json.dumps({"Groups": [_group_body(group) for group in _store(self).values()]})


def _by_arn(response):
    arn = response._get_param("ResourceARN")
    return next((group for group in _store(response).values() if group["GroupARN"] == arn), None)


def _resource_not_found(response):
    return response._error("ResourceNotFoundException", f"Resource {response._get_param('ResourceARN')} not found")


def tag_resource(self):
    group = _by_arn(self)
    if not group:
        return _resource_not_found(self)
    group["Tags"].update({tag["Key"]: tag["Value"] for tag in self._get_param("Tags") or []})
    return "{}"


def untag_resource(self):
    group = _by_arn(self)
    if not group:
        return _resource_not_found(self)
    for key in self._get_param("TagKeys") or []:
        group["Tags"].pop(key, None)
    return "{}"


def list_tags_for_resource(self):
    group = _by_arn(self)
    if not group:
        return _resource_not_found(self)
    return json.dumps({"Tags": [{"Key": key, "Value": value} for key, value in group["Tags"].items()]})


for handler in (create_group, get_group, update_group, delete_group, groups, tag_resource, untag_resource, list_tags_for_resource):
    setattr(XRayResponse, handler.__name__, handler)

for path in ("CreateGroup", "GetGroup", "UpdateGroup", "DeleteGroup", "Groups", "TagResource", "UntagResource", "ListTagsForResource"):
    xray_urls.url_paths["{0}/" + path + "$"] = XRayResponse.dispatch


_update_configuration = LambdaFunction.update_configuration


def update_configuration(self, config_updates):
    tracing = config_updates.get("TracingConfig")
    if tracing and tracing.get("Mode"):
        self.tracing_config = {"Mode": tracing["Mode"]}
    return _update_configuration(self, config_updates)


LambdaFunction.update_configuration = update_configuration


_create_state_machine = sfn_models.StateMachine.create_from_cloudformation_json.__func__


def _state_machine_from_template(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    machine = _create_state_machine(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
    tracing = cloudformation_json["Properties"].get("TracingConfiguration")
    if tracing is not None:
        machine.tracingConfiguration = {"enabled": bool(tracing.get("Enabled", False))}
    return machine


sfn_models.StateMachine.create_from_cloudformation_json = classmethod(_state_machine_from_template)


XRAY_WRITE_POLICY = "AWSXRayDaemonWriteAccess"
_xray_policy_data = []
_init_aws_policies = IAMBackend._init_aws_policies


def _with_xray_policy(self):
    policies = _init_aws_policies(self)
    if any(policy.name == XRAY_WRITE_POLICY for policy in policies):
        return policies
    if not _xray_policy_data:
        _xray_policy_data.append(json.loads(aws_managed_policies_data)[XRAY_WRITE_POLICY])
    return [*policies, AWSManagedPolicy.from_data(XRAY_WRITE_POLICY, self.account_id, self.region_name, _xray_policy_data[0])]


IAMBackend._init_aws_policies = _with_xray_policy

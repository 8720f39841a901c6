"""CodeDeploy corrections for create-deploy and release, after the CodeDeploy API reference (loaded by moto_server.py).

1. GetDeploymentGroup returns the group's alarmConfiguration (moto 5.2 always answers {}), in the shape
   CreateDeploymentGroup took it: {enabled, ignorePollAlarmFailure, alarms: [{name}]}.
2. UpdateDeploymentGroup, which moto 5.2 lacks: each member given replaces the group's; newDeploymentGroupName
   renames it; an unknown application or group is ApplicationDoesNotExistException /
   DeploymentGroupDoesNotExistException; the answer is {"hooksNotCleanedUp": []}. mtpipe's exact
   UpdateDeploymentGroup requests are asserted in unit tests as well; this lets the integration tests
   converge a drifted group.
3. Lambda deployments run. moto 5.2 keeps every deployment "Created" forever. Here a deployment of a
   Lambda application whose revision is AppSpecContent finishes when it is first read: its AppSpec is
   parsed; when the alias points at CurrentVersion and TargetVersion exists, the alias is moved to
   TargetVersion (the end state of every Lambda deployment config) and the deployment "Succeeded";
   otherwise it "Failed" with errorInformation, as CodeDeploy reports a bad revision. Hooks are not run.
"""
import yaml

from moto.awslambda.models import lambda_backends
from moto.codedeploy import models as codedeploy_models
from moto.codedeploy.exceptions import DeploymentGroupAlreadyExistsException
from moto.codedeploy.responses import CodeDeployResponse

_original_group_to_dict = codedeploy_models.DeploymentGroup.to_dict


def _group_to_dict(self):
    body = _original_group_to_dict(self)
    body["alarmConfiguration"] = self.alarm_configuration or {}
    return body


codedeploy_models.DeploymentGroup.to_dict = _group_to_dict

# request member → DeploymentGroup attribute
_UPDATABLE = {
    "deploymentConfigName": "deployment_config_name",
    "ec2TagFilters": "ec2_tag_filters",
    "onPremisesInstanceTagFilters": "on_premises_instance_tag_filters",
    "autoScalingGroups": "auto_scaling_groups",
    "serviceRoleArn": "service_role_arn",
    "triggerConfigurations": "trigger_configurations",
    "alarmConfiguration": "alarm_configuration",
    "autoRollbackConfiguration": "auto_rollback_configuration",
    "outdatedInstancesStrategy": "outdated_instances_strategy",
    "deploymentStyle": "deployment_style",
    "blueGreenDeploymentConfiguration": "blue_green_deployment_configuration",
    "loadBalancerInfo": "load_balancer_info",
    "ec2TagSet": "ec2_tag_set",
    "ecsServices": "ecs_services",
    "onPremisesTagSet": "on_premises_tag_set",
    "terminationHookEnabled": "termination_hook_enabled",
}


def update_deployment_group(self):
    backend = self.codedeploy_backend
    application_name = self._get_param("applicationName")
    current_name = self._get_param("currentDeploymentGroupName")
    group = backend.get_deployment_group(application_name, current_name)
    for member, attribute in _UPDATABLE.items():
        value = self._get_param(member)
        if value is not None:
            setattr(group, attribute, value)
    new_name = self._get_param("newDeploymentGroupName")
    if new_name and new_name != current_name:
        groups = backend.deployment_groups[application_name]
        if new_name in groups:
            raise DeploymentGroupAlreadyExistsException(f"Deployment group {new_name} already exists.")
        groups[new_name] = groups.pop(current_name)
        group.deployment_group_name = new_name
    return '{"hooksNotCleanedUp": []}'


CodeDeployResponse.update_deployment_group = update_deployment_group


def _run_lambda_deployment(backend, deployment):
    revision = deployment.revision or {}
    if deployment.application.compute_platform != "Lambda" or revision.get("revisionType") != "AppSpecContent":
        return
    try:
        spec = yaml.safe_load(revision["appSpecContent"]["content"])
        [resource] = spec["Resources"]
        [properties] = [entry["Properties"] for entry in resource.values()]
        lambdas = lambda_backends[backend.account_id][backend.region_name]
        alias = lambdas.get_alias(properties["Alias"], properties["Name"])
        if str(alias.function_version) != str(properties["CurrentVersion"]):
            raise ValueError(f"alias {properties['Alias']} points at {alias.function_version}, not CurrentVersion {properties['CurrentVersion']}")
        lambdas.update_alias(properties["Alias"], properties["Name"], str(properties["TargetVersion"]), None, None)
    except Exception as error:  # every problem with the revision fails the deployment, as in CodeDeploy
        deployment.status = "Failed"
        deployment.error_information = {"code": "INVALID_REVISION", "message": str(error)}
        return
    deployment.status = "Succeeded"


_original_get_deployment = codedeploy_models.CodeDeployBackend.get_deployment


def _get_deployment(self, deployment_id):
    deployment = _original_get_deployment(self, deployment_id)
    if deployment.status == "Created":
        _run_lambda_deployment(self, deployment)
    return deployment


codedeploy_models.CodeDeployBackend.get_deployment = _get_deployment

_original_deployment_to_dict = codedeploy_models.DeploymentInfo.to_dict


def _deployment_to_dict(self):
    body = _original_deployment_to_dict(self)
    body["errorInformation"] = getattr(self, "error_information", {})
    return body


codedeploy_models.DeploymentInfo.to_dict = _deployment_to_dict

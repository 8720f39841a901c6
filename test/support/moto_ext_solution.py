"""What the deployed sample solution needs of moto 5.2 (the fixture in solution-fixture.ts).

1. CloudFormation: moto cannot create AWS::Glue::Job (the stack lists it with an empty logical id);
   a model is registered here that creates the job through moto's Glue backend, named by `Name` with
   the job name as physical id, as CloudFormation does. AWS::SageMaker::Endpoint ignores
   `EndpointName` in moto; CloudFormation names the endpoint by it, as here.
2. Step Functions: moto leaves every execution RUNNING (or, with SF_EXECUTION_HISTORY_TYPE=FAILURE,
   every one FAILED, process-wide), and its interpreter fails in server mode. Here a RUNNING
   execution follows the *current* definition of its state machine when described: a start state of
   type Succeed succeeds, and then writes what the sample's workflow leaves behind (the Glue job's
   analysis output, one JSON line with a score per input record, under
   <callerId>/<execution name>/analysis/); a Fail start state fails with its Error and Cause; any
   other start state keeps running until stopped. A test changes the outcome with UpdateStateMachine.
"""
import json
import uuid

from moto.cloudformation import parsing
from moto.core.common_models import CloudFormationModel
from moto.glue.models import glue_backends
from moto.s3.models import s3_backends
from moto.sagemaker import models as sagemaker_models
from moto.stepfunctions import models as sfn_models


class GlueJobFromTemplate(CloudFormationModel):
    # moto files every model under the service named by its module
    __module__ = "moto.glue.models"

    def __init__(self, name):
        self.name = name

    @property
    def physical_resource_id(self):
        return self.name

    @staticmethod
    def cloudformation_name_type():
        return "Name"

    @staticmethod
    def cloudformation_type():
        return "AWS::Glue::Job"

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        properties = cloudformation_json["Properties"]
        name = properties.get("Name", resource_name)
        glue_backends[account_id][region_name].create_job(
            name=name,
            role=properties.get("Role", ""),
            command=properties.get("Command", {}),
            description=properties.get("Description", ""),
            log_uri=None,
            execution_property=None,
            default_arguments=properties.get("DefaultArguments", {}),
            non_overridable_arguments=None,
            connections=None,
            max_retries=properties.get("MaxRetries"),
            allocated_capacity=None,
            timeout=None,
            max_capacity=None,
            security_configuration=None,
            tags={},
            notification_property=None,
            glue_version=properties.get("GlueVersion"),
            number_of_workers=None,
            worker_type=None,
            code_gen_configuration_nodes=None,
            execution_class=None,
            source_control_details=None,
        )
        return cls(name)

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
        glue_backends[account_id][region_name].delete_job(resource_name)


# moto builds its map of resource types once, from the subclasses of CloudFormationModel
for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
    cached.cache_clear()

_create_endpoint = sagemaker_models.FakeEndpoint.create_from_cloudformation_json.__func__


def _named_endpoint(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    name = cloudformation_json["Properties"].get("EndpointName", resource_name)
    return _create_endpoint(cls, name, cloudformation_json, account_id, region_name, **kwargs)


sagemaker_models.FakeEndpoint.create_from_cloudformation_json = classmethod(_named_endpoint)


def _start_state(state_machine):
    try:
        definition = json.loads(state_machine.definition)
        return definition["States"][definition["StartAt"]]
    except (ValueError, KeyError, TypeError):
        return {}


def _write_analysis(execution):
    """The Glue job's output for the execution: one JSON line per input record, each with a score."""
    request = json.loads(execution.execution_input or "{}")
    s3 = s3_backends[execution.account_id]["global"]
    records = json.loads(s3.get_object(request["inputBucket"], request["inputFileKey"]).value)
    lines = [json.dumps({**record, "recordId": str(index), "score": 0.8}) for index, record in enumerate(records)]
    key = f"{request['callerId']}/{execution.name}/analysis/part-00000-{uuid.uuid4()}-c000.json"
    s3.put_object(request["outputBucket"], key, ("\n".join(lines) + "\n").encode())


_describe_execution = sfn_models.StepFunctionBackend.describe_execution


def describe_execution(self, execution_arn):
    execution = _describe_execution(self, execution_arn)
    if execution.status != "RUNNING":
        return execution
    start = _start_state(self._get_state_machine_for_execution(execution_arn))
    if start.get("Type") == "Succeed":
        _write_analysis(execution)
        execution.status = "SUCCEEDED"
        execution.output = "{}"
        execution.stop_date = sfn_models.utcnow()
    elif start.get("Type") == "Fail":
        execution.status = "FAILED"
        execution.error = start.get("Error")
        execution.cause = start.get("Cause")
        execution.stop_date = sfn_models.utcnow()
    return execution


sfn_models.StepFunctionBackend.describe_execution = describe_execution

"""CloudFormation drift detection for `mtpipe drift --stacks`, after the CloudFormation API reference
(loaded by moto_server.py). moto 5.2 has none of these operations.

- DetectStackDrift {StackName} → {StackDriftDetectionId}; an unknown stack is ValidationError
  "Stack [name] does not exist". The detection finishes at once.
- DescribeStackDriftDetectionStatus {StackDriftDetectionId} → DetectionStatus DETECTION_COMPLETE and
  StackDriftStatus DRIFTED or IN_SYNC; an unknown id is ValidationError.
- DescribeStackResourceDrifts {StackName, StackResourceDriftStatusFilters} → the resources of the stack's
  last detection, filtered by status (default all).

What is compared (a small part of what CloudFormation compares): AWS::Lambda::Function resources against
the function as it is now: Timeout (default 3), MemorySize (default 128) and Description (default "")
of the template's Properties, NOT_EQUAL when changed; a function deleted outside CloudFormation is DELETED.
Every other resource is IN_SYNC. moto keeps Lambda's TracingConfig at PassThrough whatever is sent, so
tracing changes cannot be seen here.
"""
import uuid

from moto.awslambda.models import lambda_backends
from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.responses import CloudFormationResponse
from moto.core.responses import ActionResult
from moto.core.utils import utcnow

# (account, region) → detection id → {stack_id, stack_name, drifts, status}
_detections = {}
# (account, region, stack_id) → the last detection id of that stack
_last = {}

_COMPARED = {"Timeout": ("timeout", 3), "MemorySize": ("memory_size", 128), "Description": ("description", "")}


def _resource_drifts(stack, account_id, region):
    drifts = []
    resources = (stack.template_dict or {}).get("Resources", {})
    for logical_id, resource in resources.items():
        physical_id = getattr(stack.resource_map[logical_id], "physical_resource_id", None) if logical_id in stack.resource_map else None
        drift = {
            "StackId": stack.stack_id,
            "LogicalResourceId": logical_id,
            "PhysicalResourceId": physical_id or "",
            "ResourceType": resource.get("Type", ""),
            "StackResourceDriftStatus": "IN_SYNC",
            "PropertyDifferences": [],
            "Timestamp": utcnow(),
        }
        if resource.get("Type") == "AWS::Lambda::Function" and physical_id:
            backend = lambda_backends[account_id][region]
            try:
                function = backend.get_function(physical_id)
            except Exception:  # noqa: BLE001 - moto's not-found errors differ by version
                function = None
            if function is None:
                drift["StackResourceDriftStatus"] = "DELETED"
            else:
                properties = resource.get("Properties", {})
                for name, (attribute, default) in _COMPARED.items():
                    expected = properties.get(name, default)
                    actual = getattr(function, attribute, default)
                    if str(expected) != str(actual):
                        drift["PropertyDifferences"].append(
                            {"PropertyPath": f"/{name}", "ExpectedValue": str(expected), "ActualValue": str(actual), "DifferenceType": "NOT_EQUAL"}
                        )
                if drift["PropertyDifferences"]:
                    drift["StackResourceDriftStatus"] = "MODIFIED"
        drifts.append(drift)
    return drifts


def detect_stack_drift(self):
    name = self._get_param("StackName")
    try:
        stack = self.cloudformation_backend.get_stack(name)
    except ValidationError:
        raise ValidationError(message=f"Stack [{name}] does not exist")
    drifts = _resource_drifts(stack, self.current_account, self.region)
    detection_id = str(uuid.uuid4())
    status = "DRIFTED" if any(d["StackResourceDriftStatus"] != "IN_SYNC" for d in drifts) else "IN_SYNC"
    _detections.setdefault((self.current_account, self.region), {})[detection_id] = {
        "stack_id": stack.stack_id,
        "drifts": drifts,
        "status": status,
    }
    _last[(self.current_account, self.region, stack.stack_id)] = detection_id
    return ActionResult({"StackDriftDetectionId": detection_id})


def describe_stack_drift_detection_status(self):
    detection_id = self._get_param("StackDriftDetectionId")
    detection = _detections.get((self.current_account, self.region), {}).get(detection_id)
    if detection is None:
        raise ValidationError(message=f"Drift detection [{detection_id}] does not exist")
    drifted = sum(1 for d in detection["drifts"] if d["StackResourceDriftStatus"] != "IN_SYNC")
    return ActionResult(
        {
            "StackId": detection["stack_id"],
            "StackDriftDetectionId": detection_id,
            "StackDriftStatus": detection["status"],
            "DetectionStatus": "DETECTION_COMPLETE",
            "DriftedStackResourceCount": drifted,
            "Timestamp": utcnow(),
        }
    )


def describe_stack_resource_drifts(self):
    name = self._get_param("StackName")
    try:
        stack = self.cloudformation_backend.get_stack(name)
    except ValidationError:
        raise ValidationError(message=f"Stack [{name}] does not exist")
    filters = self._get_param("StackResourceDriftStatusFilters") or []
    detection_id = _last.get((self.current_account, self.region, stack.stack_id))
    drifts = _detections[(self.current_account, self.region)][detection_id]["drifts"] if detection_id else []
    return ActionResult({"StackResourceDrifts": [d for d in drifts if not filters or d["StackResourceDriftStatus"] in filters]})


for handler in (detect_stack_drift, describe_stack_drift_detection_status, describe_stack_resource_drifts):
    setattr(CloudFormationResponse, handler.__name__, handler)

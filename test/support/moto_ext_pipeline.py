"""create-pipeline corrections, after the AWS API references (loaded by moto_server.py).

1. CodePipeline CreatePipeline of a name in use answers PipelineNameInUseException (moto 5.2 says
   InvalidStructureException), so that a create whose response was lost converges.
2. SNS: an email subscription stays PendingConfirmation until the address confirms (moto confirms at
   once); ListSubscriptionsByTopic then shows "PendingConfirmation" as its SubscriptionArn, as AWS does.
3. CodeStar Connections (CodeConnections), which moto 5.2 lacks: CreateConnection (status PENDING),
   GetConnection, ListConnections (ProviderTypeFilter), ListTagsForResource, TagResource; the state is
   cleared with the rest of moto on POST /moto-api/reset. mtpipe's exact requests are asserted in unit
   tests as well.
"""
import json
import uuid

from moto.codepipeline import models as codepipeline_models
from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult
from moto.moto_api._internal import models as moto_api_models
from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from moto.sns.responses import SNSResponse


class PipelineNameInUseException(JsonRESTError):
    code = 400

    def __init__(self, message):
        super().__init__("PipelineNameInUseException", message)


_original_create_pipeline = codepipeline_models.CodePipelineBackend.create_pipeline


def create_pipeline(self, pipeline, tags):
    if pipeline["name"] in self.pipelines:
        raise PipelineNameInUseException(f"A pipeline with the name '{pipeline['name']}' already exists in account '{self.account_id}'")
    return _original_create_pipeline(self, pipeline, tags)


codepipeline_models.CodePipelineBackend.create_pipeline = create_pipeline


def list_subscriptions_by_topic(self):
    topic_arn = self._get_param("TopicArn")
    subscriptions, next_token = self.backend.list_subscriptions_by_topic(topic_arn, next_token=self._get_param("NextToken"))
    listed = [
        {
            "SubscriptionArn": "PendingConfirmation" if s.protocol in ("email", "email-json") and not getattr(s, "mtpipe_confirmed", False) else s.arn,
            "Owner": s.owner,
            "Protocol": s.protocol,
            "Endpoint": s.endpoint,
            "TopicArn": s.topic.arn,
        }
        for s in subscriptions
    ]
    return ActionResult({"Subscriptions": listed, "NextToken": next_token})


SNSResponse.list_subscriptions_by_topic = list_subscriptions_by_topic


# --- CodeStar Connections ----------------------------------------------------------------------------

_connections = {}
TARGET_PREFIX = "CodeStar_connections_20191201."


class _ConnectionsError(Exception):
    def __init__(self, name, message):
        super().__init__(message)
        self.name = name
        self.message = message


def _connection(arn):
    found = _connections.get(arn)
    if found is None:
        raise _ConnectionsError("ResourceNotFoundException", f"Connection {arn} does not exist")
    return found


def _handle(operation, body, account, region):
    if operation == "CreateConnection":
        arn = f"arn:aws:codestar-connections:{region}:{account}:connection/{uuid.uuid4()}"
        _connections[arn] = {
            "ConnectionName": body["ConnectionName"],
            "ConnectionArn": arn,
            "ProviderType": body.get("ProviderType", "GitHub"),
            "OwnerAccountId": account,
            "ConnectionStatus": "PENDING",
            "tags": list(body.get("Tags") or []),
        }
        return {"ConnectionArn": arn, "Tags": _connections[arn]["tags"]}
    if operation == "GetConnection":
        connection = _connection(body["ConnectionArn"])
        return {"Connection": {k: v for k, v in connection.items() if k != "tags"}}
    if operation == "ListConnections":
        wanted = body.get("ProviderTypeFilter")
        listed = [
            {k: v for k, v in c.items() if k != "tags"}
            for arn, c in _connections.items()
            if arn.split(":")[3] == region and (not wanted or c["ProviderType"] == wanted)
        ]
        return {"Connections": listed}
    if operation == "ListTagsForResource":
        return {"Tags": _connection(body["ResourceArn"])["tags"]}
    if operation == "TagResource":
        connection = _connection(body["ResourceArn"])
        given = {t["Key"]: t["Value"] for t in body.get("Tags") or []}
        kept = [t for t in connection["tags"] if t["Key"] not in given]
        connection["tags"] = kept + [{"Key": k, "Value": v} for k, v in given.items()]
        return {}
    raise _ConnectionsError("UnknownOperationException", f"{operation} is not emulated")


def _connections_app(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length) if length else b""
    body = json.loads(raw or b"{}")
    operation = environ.get("HTTP_X_AMZ_TARGET", "").split(".")[-1]
    scope = environ.get("HTTP_AUTHORIZATION", "").split("Credential=")[-1].split(",")[0].split("/")
    region = scope[2] if len(scope) > 2 else "us-east-1"
    try:
        status, payload = "200 OK", _handle(operation, body, "123456789012", region)
    except _ConnectionsError as error:
        status, payload = "400 Bad Request", {"__type": error.name, "message": error.message}
    start_response(status, [("Content-Type", "application/x-amz-json-1.0"), ("x-amzn-RequestId", str(uuid.uuid4()))])
    return [json.dumps(payload).encode("utf-8")]


_original_get_application = DomainDispatcherApplication.get_application


def get_application(self, environ):
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target.startswith(TARGET_PREFIX):
        return _connections_app
    return _original_get_application(self, environ)


DomainDispatcherApplication.get_application = get_application

_original_reset = moto_api_models.MotoAPIBackend.reset


def reset(self):
    _connections.clear()
    return _original_reset(self)


moto_api_models.MotoAPIBackend.reset = reset

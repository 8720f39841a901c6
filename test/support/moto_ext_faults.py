"""Faults of a real network and a busy account, for mtpipe's resilience tests (loaded by moto_server.py).

Off unless configured, by environment variables read at start:

MTPIPE_FAULT_SEED=1
    seeds every decision below (default 0). A decision depends on the seed and the request itself
    (service, operation, path, body, and how many times that same request came before), not on the order
    in which concurrent requests arrive, so a seed gives the same faults run after run.
MTPIPE_FAULT_LOST_WRITES=0.1
    this share of the writes that succeed are applied, then answered HTTP 500: the response is "lost",
    as when a connection resets after AWS applied the request. The SDK retries a 500 by itself.
MTPIPE_FAULT_LOST=logs.CreateLogGroup,iam.CreateRole
    these writes always lose the response of their first success (each distinct request once).
MTPIPE_FAULT_ERRORS=TooManyUpdates:ssm.PutParameter:1,ConcurrentModification:iam.PutRolePolicy:2
    code:service.Operation:N — the first N times each distinct such request comes, it is refused with that
    error code before anything is applied, in the protocol's error shape (HTTP 409 for
    ConcurrentModification and OperationAborted, as AWS answers them; 400 otherwise).

The service is the signing name in the request's credential scope (ssm, iam, s3, logs …); the operation
comes from X-Amz-Target (JSON protocols), Action= (query protocols), the RPCv2 path, or for S3 from the
method and sub-resource. Reads (Get…, List…, Describe…, GET/HEAD) are never touched.
"""
import hashlib
import json
import os
import re
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication

from aws_request import named_request

READ = re.compile(r"^(Get|List|Describe|BatchGet|Head|Lookup|Search|Query|Select|Simulate)")
CONFLICT_CODES = {"ConcurrentModification", "OperationAborted"}
# S3 sub-resources mtpipe writes, as the operation AWS names them
def _config():
    errors = {}
    for item in filter(None, (os.environ.get("MTPIPE_FAULT_ERRORS") or "").split(",")):
        code, operation, times = item.strip().split(":")
        errors[operation] = (code, int(times))
    return {
        "seed": os.environ.get("MTPIPE_FAULT_SEED", "0"),
        "share": float(os.environ.get("MTPIPE_FAULT_LOST_WRITES") or 0),
        "lost": set(filter(None, (os.environ.get("MTPIPE_FAULT_LOST") or "").split(","))),
        "errors": errors,
    }


CONFIG = _config()
_seen = {}
_lock = threading.Lock()


def _occurrence(key):
    with _lock:
        _seen[key] = _seen.get(key, 0) + 1
        return _seen[key]


def _chance(*parts):
    digest = hashlib.sha256("|".join(str(part) for part in parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _error(start_response, protocol, code, status, message):
    if protocol == "json":
        body = json.dumps({"__type": code, "message": message}).encode()
        content_type = "application/x-amz-json-1.1"
    elif protocol == "s3":
        body = f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message><RequestId>fault</RequestId></Error>".encode()
        content_type = "application/xml"
    else:
        body = f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>fault</RequestId></ErrorResponse>".encode()
        content_type = "text/xml"
    reason = {400: "Bad Request", 409: "Conflict", 500: "Internal Server Error"}[status]
    start_response(f"{status} {reason}", [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]


_original_call = DomainDispatcherApplication.__call__


def _faulty_call(self, environ, start_response):
    if environ.get("PATH_INFO", "").startswith("/moto-api"):
        return _original_call(self, environ, start_response)
    service, operation, protocol, body = named_request(environ)
    if READ.match(operation) or environ["REQUEST_METHOD"] in ("GET", "HEAD"):
        return _original_call(self, environ, start_response)
    name = f"{service}.{operation}"
    request = (name, environ.get("PATH_INFO"), environ.get("QUERY_STRING"), hashlib.sha256(body).hexdigest())
    seen = _occurrence(request)

    refused = CONFIG["errors"].get(name)
    if refused and seen <= refused[1]:
        code = refused[0]
        return _error(start_response, protocol, code, 409 if code in CONFLICT_CODES else 400, f"{code} (injected by the test)")

    captured = {}

    def capture(status, headers, exc_info=None):
        captured["status"], captured["headers"] = status, headers
        return lambda data: None

    answer = b"".join(_original_call(self, environ, capture))
    succeeded = captured["status"].startswith("2")
    first_success = succeeded and _occurrence(("success",) + request) == 1
    lose = succeeded and (
        (name in CONFIG["lost"] and first_success) or _chance(CONFIG["seed"], *request, seen) < CONFIG["share"]
    )
    if lose:
        code = "InternalError" if protocol == "s3" else "InternalFailure"
        return _error(start_response, protocol, code, 500, "the request was applied; its response is lost (injected by the test)")
    start_response(captured["status"], captured["headers"])
    return [answer]


if CONFIG["share"] or CONFIG["lost"] or CONFIG["errors"]:
    DomainDispatcherApplication.__call__ = _faulty_call

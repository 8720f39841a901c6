"""What an AWS request to moto is: its service and operation, for the launcher's fault and latency layers.

Not a moto extension itself (moto_server.py loads only moto_ext_*.py); they import it.
"""
import io
import re
from urllib.parse import parse_qs

# S3 names its bucket settings by sub-resource (PUT /bucket?policy): the operation each such PUT is
S3_PUT = {
    "tagging": "PutBucketTagging",
    "policy": "PutBucketPolicy",
    "versioning": "PutBucketVersioning",
    "encryption": "PutBucketEncryption",
    "lifecycle": "PutBucketLifecycleConfiguration",
    "publicAccessBlock": "PutPublicAccessBlock",
    "ownershipControls": "PutBucketOwnershipControls",
}


def service_of(environ):
    """The signing name of the request's credential scope ("?" when unsigned)."""
    match = re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/", environ.get("HTTP_AUTHORIZATION", ""))
    return match.group(1) if match else "?"


def operation_of(environ, service, body):
    """(operation, protocol): from X-Amz-Target, the RPCv2 path, Action=, or for S3 the method and
    sub-resource (GET and HEAD are "Get", a PUT of a setting its Put… name, of a bucket CreateBucket)."""
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return target.split(".")[-1], "json"
    rpc = re.search(r"/operation/(\w+)$", environ.get("PATH_INFO", ""))
    if rpc:
        return rpc.group(1), "json"
    if service == "s3":
        method = environ["REQUEST_METHOD"]
        if method in ("GET", "HEAD"):
            return "Get", "s3"
        keys = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True).keys()
        for key, name in S3_PUT.items():
            if key in keys:
                return (name if method == "PUT" else f"{method}:{key}"), "s3"
        return ("CreateBucket" if method == "PUT" and environ.get("PATH_INFO", "/").strip("/").count("/") == 0 else method), "s3"
    action = parse_qs(body.decode("utf-8", "replace")).get("Action") or parse_qs(environ.get("QUERY_STRING", "")).get("Action")
    return (action[0] if action else environ["REQUEST_METHOD"]), "query"


def named_request(environ):
    """(service, operation, protocol, body) of a WSGI request; the body is read and put back for moto."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    service = service_of(environ)
    return (service, *operation_of(environ, service, body), body)

"""A fixed network latency and a call counter, for mtpipe's apply benchmark (loaded by moto_server.py).

Off unless configured, by an environment variable read at start:

MOTO_LATENCY_MS=100
    every AWS request waits this many milliseconds before moto handles it (each request in its own
    server thread, so concurrent requests overlap as they would over a network). It also counts the
    requests by service and operation, readable at:

    GET  /_mtpipe/calls   {"calls": {"ssm.GetParameters": 2, ...}, "total": N, "delayedMs": D, "cpuMs": C}
    POST /_mtpipe/calls   the same, then resets the counts to zero

    delayedMs is the time during which at least one request was being delayed (the union of the
    delays): the wall time the latency added to the client's run, on the server's clock, whatever the
    client's own CPU time. In latencies it is the number of round trips the client made one after another.
    cpuMs is the CPU time moto spent handling the requests (time.thread_time of each request's thread,
    after its delay): moto handles one request at a time (Python's lock), so requests sent together
    come back one after another, this much apart in all.

MOTO_LATENCY_MS=0 counts without delaying. Unset: nothing is wrapped. moto's own /moto-api calls are
neither delayed nor counted. The service is the signing name of the credential scope; the operation
comes from X-Amz-Target, Action=, the RPCv2 path, or for S3 from the method: reads (GET, HEAD) are
"s3.Get", writes by their operation ("s3.PutBucketTagging", "s3.CreateBucket"): aws_request.py.
"""
import json
import os
import threading
import time

from moto.moto_server.werkzeug_app import DomainDispatcherApplication

from aws_request import named_request

SETTING = os.environ.get("MOTO_LATENCY_MS")
_counts = {}
_delays = []  # (start, end) of each delay, in seconds of time.monotonic()
_cpu = [0.0]  # seconds of CPU time spent handling the counted requests
_lock = threading.Lock()


def _answer(start_response, document):
    body = json.dumps(document, sort_keys=True).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def _union_seconds(intervals):
    total, reach = 0.0, None
    for start, end in sorted(intervals):
        if reach is None or start > reach:
            total += end - start
            reach = end
        elif end > reach:
            total += end - reach
            reach = end
    return total


def _calls(environ, start_response):
    with _lock:
        document = {
            "calls": dict(_counts),
            "total": sum(_counts.values()),
            "delayedMs": round(_union_seconds(_delays) * 1000, 1),
            "cpuMs": round(_cpu[0] * 1000, 1),
        }
        if environ["REQUEST_METHOD"] == "POST":
            _counts.clear()
            _delays.clear()
            _cpu[0] = 0.0
    return _answer(start_response, document)


def wrap(call, latency_seconds):
    """Wraps a WSGI __call__: delays and counts every AWS request."""

    def delayed(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/_mtpipe/calls":
            return _calls(environ, start_response)
        if path.startswith("/moto-api"):
            return call(self, environ, start_response)
        service, operation, _protocol, _body = named_request(environ)
        with _lock:
            key = f"{service}.{operation}"
            _counts[key] = _counts.get(key, 0) + 1
        if latency_seconds > 0:
            start = time.monotonic()
            time.sleep(latency_seconds)
            with _lock:
                _delays.append((start, time.monotonic()))
        started = time.thread_time()
        # moto answers with a list: its work is done when call returns
        result = call(self, environ, start_response)
        with _lock:
            _cpu[0] += time.thread_time() - started
        return result

    return delayed


if SETTING is not None and SETTING.strip() != "":
    # wraps whatever __call__ is in place (moto_ext_faults.py loads first and may have wrapped it)
    DomainDispatcherApplication.__call__ = wrap(DomainDispatcherApplication.__call__, float(SETTING) / 1000)

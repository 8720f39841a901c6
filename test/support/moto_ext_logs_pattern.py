"""CloudWatch Logs DescribeLogGroups with logGroupNamePattern, which moto 5.2 ignores (it lists every group).

AWS (DescribeLogGroups, API reference): "returns only log groups that have names that match the string
based on a case-sensitive substring search"; logGroupNamePattern and logGroupNamePrefix are mutually
exclusive (InvalidParameterException). Pages of `limit` (at most 50) groups, sorted by name, as moto
pages by prefix; the nextToken here is the offset of the next page.
"""
import json

from moto.logs.exceptions import InvalidParameterException
from moto.logs.responses import LogsResponse

_describe = LogsResponse.describe_log_groups


def describe_log_groups(self):
    pattern = self._get_param("logGroupNamePattern")
    if pattern is None:
        return _describe(self)
    if self._get_param("logGroupNamePrefix") is not None:
        raise InvalidParameterException(msg="LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.")
    limit = int(self._get_param("limit", 50))
    start = int(self._get_param("nextToken") or 0)
    groups = sorted((g for g in self.logs_backend.groups.values() if pattern in g.name), key=lambda g: g.name)
    page = groups[start : start + limit]
    result = {"logGroups": [g.to_describe_dict() for g in page]}
    if start + limit < len(groups):
        result["nextToken"] = str(start + limit)
    return json.dumps(result)


LogsResponse.describe_log_groups = describe_log_groups

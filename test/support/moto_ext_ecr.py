"""ECR registry replication for the quality-estimation image, after the ECR API reference (loaded by moto_server.py).

moto 5.2 implements PutReplicationConfiguration and DescribeRegistry, but refuses more than one rule
("This feature is disabled"). ECR allows up to 10 rules (API reference ReplicationConfiguration: `rules`
0-10 items; ECR service quotas: "Rules per replication configuration" 10, "Unique destinations across
all rules" 25, "Filters per rule" 100). The registry's configuration is shared by everyone who replicates
in an account and region, so the tests need several rules to show that mtpipe keeps the others'. Here:

1. Up to 10 rules; more is a ValidationException (the model's length constraint).
2. At most 25 unique destinations across all rules, at most 100 filters per rule, each filter
   PREFIX_MATCH with a repository-name prefix: InvalidParameterException otherwise.
3. A destination equal to the source registry (same region and account) is an InvalidParameterException,
   as moto already checks for its one rule.
The configuration is stored as sent and returned by DescribeRegistry. Images are not replicated.
"""
import re

from moto.ecr.exceptions import InvalidParameterException, ValidationException
from moto.ecr.models import ECRBackend

MAX_RULES = 10
MAX_DESTINATIONS = 25
MAX_FILTERS = 100
FILTER = re.compile(r"^[a-z0-9*](?:[._\-/a-z0-9*]?[a-z0-9*]+)*$")


def put_replication_configuration(self, replication_config):
    rules = replication_config.get("rules")
    if rules is None:
        raise ValidationException("replicationConfiguration.rules must not be null")
    if len(rules) > MAX_RULES:
        raise ValidationException(
            "1 validation error detected: Value at 'replicationConfiguration.rules' failed to satisfy "
            f"constraint: Member must have length less than or equal to {MAX_RULES}"
        )
    destinations = set()
    for rule in rules:
        for destination in rule.get("destinations") or []:
            if destination.get("region") == self.region_name and destination.get("registryId") == self.account_id:
                raise InvalidParameterException(
                    "Invalid parameter at 'replicationConfiguration' failed to satisfy constraint: "
                    "'Replication destination cannot be the same as the source registry'"
                )
            destinations.add((destination.get("registryId"), destination.get("region")))
        filters = rule.get("repositoryFilters")
        if filters is not None:
            if not 1 <= len(filters) <= MAX_FILTERS:
                raise InvalidParameterException(f"a replication rule takes 1 to {MAX_FILTERS} repository filters")
            for repository_filter in filters:
                if repository_filter.get("filterType") != "PREFIX_MATCH" or not FILTER.match(repository_filter.get("filter") or ""):
                    raise InvalidParameterException(f"invalid repository filter {repository_filter}")
    if len(destinations) > MAX_DESTINATIONS:
        raise InvalidParameterException(
            f"Invalid parameter at 'replicationConfiguration': {len(destinations)} unique destinations; at most {MAX_DESTINATIONS} are allowed"
        )
    self.replication_config = {"rules": rules}
    return {"replicationConfiguration": self.replication_config}


ECRBackend.put_replication_configuration = put_replication_configuration

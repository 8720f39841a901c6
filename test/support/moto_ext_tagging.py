"""Resource Groups Tagging API GetResources over the kinds moto 5.2 leaves out (loaded by moto_server.py).

moto's GetResources (resourcegroupstaggingapi/models.py, _get_resources_generator) lists S3 buckets,
CloudWatch alarms, KMS keys, log groups, SNS topics, SSM parameters and others, but not CodeBuild
projects, CodeCommit repositories, CodeDeploy applications and deployment groups, CodePipeline pipelines,
ECR repositories or EventBridge rules, which AWS's GetResources does list. They are added here, after
moto's own, with the ARNs AWS gives them (Service Authorization Reference, "Resource types defined by"
each service):
  codebuild:project               arn:aws:codebuild:<region>:<account>:project/<name>
  codecommit:repository           arn:aws:codecommit:<region>:<account>:<name>
  codedeploy:application          arn:aws:codedeploy:<region>:<account>:application:<name>
  codedeploy:deploymentgroup      arn:aws:codedeploy:<region>:<account>:deploymentgroup:<application>/<name>
  codepipeline:pipeline           arn:aws:codepipeline:<region>:<account>:<name>
  ecr:repository                  arn:aws:ecr:<region>:<account>:repository/<name>
  events:rule                     arn:aws:events:<region>:<account>:rule/[<bus>/]<name>
TagFilters and ResourceTypeFilters are honoured as moto does for the others: every filter's key must be
on the resource, with one of its values when values are given; a type filter names the service
("ecr") or the service and type ("ecr:repository"). Untagged resources are not listed (as in moto).
"""
from moto.codebuild.models import codebuild_backends
from moto.codecommit.models import codecommit_backends
from moto.codedeploy.models import codedeploy_backends
from moto.codepipeline.models import codepipeline_backends
from moto.ecr.models import ecr_backends
from moto.events.models import events_backends
from moto.resourcegroupstaggingapi.models import ResourceGroupsTaggingAPIBackend

_original_generator = ResourceGroupsTaggingAPIBackend._get_resources_generator


def _matches(tags, tag_filters):
    pairs = {tag["Key"]: tag["Value"] for tag in tags}
    for tag_filter in tag_filters or []:
        key, values = tag_filter["Key"], tag_filter.get("Values") or []
        if key not in pairs or (values and pairs[key] not in values):
            return False
    return True


def _wanted(resource_type, type_filters):
    return not type_filters or resource_type.split(":")[0] in type_filters or resource_type in type_filters


def _tag_list(mapping):
    return [{"Key": key, "Value": value} for key, value in (mapping or {}).items()]


def _codebuild(account, region):
    for project in codebuild_backends[account][region].codebuild_projects.values():
        tags = [{"Key": t["key"], "Value": t.get("value", "")} for t in (project.project_metadata.get("tags") or [])]
        yield "codebuild:project", project.arn, tags


def _codecommit(account, region):
    for repository in codecommit_backends[account][region].repositories.values():
        # the tags moto_server.py's CreateRepository/TagResource keep
        yield "codecommit:repository", repository.repository_metadata["Arn"], _tag_list(getattr(repository, "tags", {}))


def _codedeploy(account, region):
    backend = codedeploy_backends[account][region]
    prefix = f"arn:aws:codedeploy:{region}:{account}"
    for name in backend.applications:
        arn = f"{prefix}:application:{name}"
        yield "codedeploy:application", arn, backend.tagger.list_tags_for_resource(arn)["Tags"]
    for application, groups in backend.deployment_groups.items():
        for name in groups:
            arn = f"{prefix}:deploymentgroup:{application}/{name}"
            yield "codedeploy:deploymentgroup", arn, backend.tagger.list_tags_for_resource(arn)["Tags"]


def _codepipeline(account, region):
    for pipeline in codepipeline_backends[account][region].pipelines.values():
        yield "codepipeline:pipeline", pipeline._arn, _tag_list(pipeline.tags)


def _ecr(account, region):
    backend = ecr_backends[account][region]
    for repository in backend.repositories.values():
        yield "ecr:repository", repository.arn, backend.tagger.list_tags_for_resource(repository.arn)["tags"]


def _events(account, region):
    backend = events_backends[account][region]
    for bus in backend.event_buses.values():
        for rule in bus.rules.values():
            yield "events:rule", rule.arn, backend.tagger.list_tags_for_resource(rule.arn)["Tags"]


_SOURCES = (_codebuild, _codecommit, _codedeploy, _codepipeline, _ecr, _events)


def _get_resources_generator(self, tag_filters=None, resource_type_filters=None):
    yield from _original_generator(self, tag_filters=tag_filters, resource_type_filters=resource_type_filters)
    for source in _SOURCES:
        for resource_type, arn, tags in source(self.account_id, self.region_name):
            if tags and _wanted(resource_type, resource_type_filters) and _matches(tags, tag_filters):
                yield {"ResourceARN": arn, "Tags": tags}


ResourceGroupsTaggingAPIBackend._get_resources_generator = _get_resources_generator

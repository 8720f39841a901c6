"""moto corrections for setup-security (IAM service roles, Secrets Manager), loaded by moto_server.py.

AWS managed policies. AWS defines them in every account; moto 5.2 loads its ~1,300 copies only with
MOTO_IAM_LOAD_MANAGED_POLICIES=true, which makes every account (and every reset) slow. Without them,
AttachRolePolicy of arn:aws:iam::aws:policy/... fails with NoSuchEntity, which mtpipe reports at once (an AWS
managed policy is never one this run created, so not IAM propagation). Here each IAM backend gets just the
managed policies mtpipe attaches, from moto's own copy of their documents.
"""
import json

from moto.iam.aws_managed_policies import aws_managed_policies_data
from moto.iam.models import AWSManagedPolicy, IAMBackend
from moto.settings import load_iam_aws_managed_policies

# The AWS managed policies mtpipe attaches (src/commands/setup-security.ts).
MANAGED_POLICIES_MTPIPE_ATTACHES = ("AWSCodeDeployRoleForLambda",)

_parsed = None


def _managed_policy_data():
    global _parsed
    if _parsed is None:
        everything = json.loads(aws_managed_policies_data)
        _parsed = {name: everything[name] for name in MANAGED_POLICIES_MTPIPE_ATTACHES}
    return _parsed


_original_init_aws_policies = IAMBackend._init_aws_policies


def _init_aws_policies(self):
    if load_iam_aws_managed_policies():
        return _original_init_aws_policies(self)
    return [
        AWSManagedPolicy.from_data(name, self.account_id, self.region_name, data)
        for name, data in _managed_policy_data().items()
    ]


IAMBackend._init_aws_policies = _init_aws_policies

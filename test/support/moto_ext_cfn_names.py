"""CloudFormation's generated Lambda function names stay within Lambda's 64 characters, as on AWS.

moto 5.2 names a function `<stack>-<logical id>-<suffix>` at any length; CloudFormation shortens the
`<stack>-<logical id>` part so the whole name is a valid FunctionName (1-64 characters, Lambda API
reference). Long construct ids such as QualityAssessmentNotificationCDK… need that.
"""
import moto.cloudformation.parsing as parsing

LAMBDA_NAME_MAX = 64
_generate = parsing.generate_resource_name


def generate_resource_name(resource_type, stack_name, logical_id):
    name = _generate(resource_type, stack_name, logical_id)
    if resource_type != "AWS::Lambda::Function" or len(name) <= LAMBDA_NAME_MAX:
        return name
    prefix, suffix = name.rsplit("-", 1)
    return f"{prefix[: LAMBDA_NAME_MAX - len(suffix) - 1].rstrip('-')}-{suffix}"


parsing.generate_resource_name = generate_resource_name

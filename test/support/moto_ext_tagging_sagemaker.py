"""GetResources of the Resource Groups Tagging API in an account with a SageMaker endpoint configuration.

moto 5.2 gives FakeEndpointConfig a one-element tuple as `arn` (sagemaker/models.py: `self.arn =
(self.endpoint_config_arn,)`), and its GetResources then fails with HTTP 500 (AttributeError in
SageMakerModelBackend._get_resource_from_arn) for every account where the sample solution (whose
QE endpoint has a configuration) is deployed, so mtpipe's tag index was never available there. AWS
lists the configuration by its ARN string; so does this correction.
"""
from moto.sagemaker.models import FakeEndpointConfig

_init = FakeEndpointConfig.__init__


def _init_with_string_arn(self, *args, **kwargs):
    _init(self, *args, **kwargs)
    if isinstance(self.arn, tuple):
        self.arn = self.endpoint_config_arn


FakeEndpointConfig.__init__ = _init_with_string_arn

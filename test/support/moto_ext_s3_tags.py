"""S3 CreateBucket with tags (CreateBucketConfiguration.Tags, S3 API reference), which moto 5.2 ignores.

AWS applies the tags with the bucket, in the one call, so a bucket never exists untagged; moto creates
it untagged. Here the tags of the request's CreateBucketConfiguration are put on the new bucket.
"""
import xmltodict
from moto.s3.responses import S3Response

_put = S3Response._bucket_response_put


def _bucket_response_put(self, request, bucket_name, querystring):
    answer = _put(self, request, bucket_name, querystring)
    if querystring or not self.body:
        return answer
    try:
        configuration = xmltodict.parse(self.body).get("CreateBucketConfiguration") or {}
    except Exception:  # not XML: nothing to read
        return answer
    tags = (configuration.get("Tags") or {}).get("Tag") or []
    if isinstance(tags, dict):
        tags = [tags]
    if tags and bucket_name in self.backend.buckets:
        self.backend.put_bucket_tagging(bucket_name, {tag["Key"]: tag.get("Value", "") for tag in tags})
    return answer


S3Response._bucket_response_put = _bucket_response_put

"""S3 GETs of a bucket's settings sent to another region than the bucket's: 301 PermanentRedirect.

AWS answers a request for a bucket sent to the wrong regional endpoint with 301 PermanentRedirect and
the bucket's region in the x-amz-bucket-region header (S3 API reference, "Error responses"; the SDK's
own region redirect reads the same header). moto 5.2 serves every bucket from any region. Here the
GETs of the settings mtpipe reads (public access block, encryption, versioning, lifecycle, ownership
controls, policy, tagging) answer 301 when the request's region (its signature's) is not the bucket's.
GetBucketLocation keeps answering from anywhere, as in AWS.
"""
from moto.s3.responses import S3Response

_get = S3Response._bucket_response_get
_SETTINGS = ("publicAccessBlock", "encryption", "versioning", "lifecycle", "ownershipControls", "policy", "tagging")


def _bucket_response_get(self, bucket_name, querystring):
    bucket = self.backend.buckets.get(bucket_name)
    if bucket is not None and any(key in querystring for key in _SETTINGS) and bucket.region_name != self.region:
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PermanentRedirect</Code>'
            "<Message>The bucket you are attempting to access must be addressed using the specified endpoint. "
            "Please send all future requests to this endpoint.</Message>"
            f"<Endpoint>{bucket_name}.s3.{bucket.region_name}.amazonaws.com</Endpoint><Bucket>{bucket_name}</Bucket></Error>"
        )
        return 301, {"x-amz-bucket-region": bucket.region_name, "content-type": "application/xml"}, body
    return _get(self, bucket_name, querystring)


S3Response._bucket_response_get = _bucket_response_get

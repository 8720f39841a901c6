/**
 * One KMS key can be named four ways: key id, key ARN, alias name (`alias/…`) or alias ARN. SSM,
 * Secrets Manager and S3 report a key the way it was given, or as the ARN of that same name
 * (DescribeSecret: "the key ID or alias ARN"), so two spellings of one name compare equal here without
 * a call. An alias and the key it points to are not compared: that would need kms:DescribeKey (and
 * the kms client) on every plan, while mtpipe sends the spelling from mtpipe.yaml and reads it back.
 */
export function sameKmsKey(a: string, b: string): boolean {
  return a === b || arnOfName(a, b) || arnOfName(b, a);
}

/** `arn` is the ARN form of `name` (a key id or alias name): `arn:…:kms:<region>:<account>:key/<id>` or `…:alias/<name>`. */
function arnOfName(arn: string, name: string): boolean {
  if (!arn.startsWith('arn:') || name.startsWith('arn:')) return false;
  const resource = arn.split(':').slice(5).join(':');
  return resource === name || resource === `key/${name}`;
}

import type { ObjectIdentifier } from '@aws-sdk/client-s3';
import { sdk } from './sdk.js';
import type { Target } from '../engine/types.js';
import { isBucketNotFound } from './errors.js';

/** DeleteObjects takes at most 1000 keys per request (S3 API reference). */
const DELETE_OBJECTS_MAX = 1000;

/**
 * S3 deletes only an empty bucket: every object version and delete marker goes first, page by page
 * (destroy deletes buckets only with --include-data). A bucket that is gone already counts as deleted.
 * Throws when S3 refuses to delete an object (Object Lock, a policy), naming the first one.
 */
export async function deleteBucket(target: Target, Bucket: string): Promise<void> {
  const { DeleteBucketCommand, DeleteObjectsCommand, ListObjectVersionsCommand, S3Client } = await sdk.s3();
  const client = target.clients.get(S3Client);
  try {
    let KeyMarker: string | undefined;
    let VersionIdMarker: string | undefined;
    do {
      const page = await client.send(new ListObjectVersionsCommand({ Bucket, KeyMarker, VersionIdMarker }));
      const objects: ObjectIdentifier[] = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({ Key: v.Key!, VersionId: v.VersionId! }));
      // a page holds up to 1000 versions and 1000 delete markers
      for (let start = 0; start < objects.length; start += DELETE_OBJECTS_MAX) {
        const { Errors } = await client.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: objects.slice(start, start + DELETE_OBJECTS_MAX), Quiet: true } }));
        if (Errors && Errors.length > 0) throw new Error(`${Errors.length} object(s) could not be deleted, e.g. ${Errors[0]?.Key}: ${Errors[0]?.Code} ${Errors[0]?.Message ?? ''}`);
      }
      KeyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      VersionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
    } while (KeyMarker);
    await client.send(new DeleteBucketCommand({ Bucket }));
  } catch (error) {
    if (!isBucketNotFound(error)) throw error;
  }
}

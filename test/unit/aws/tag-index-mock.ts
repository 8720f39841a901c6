import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { mockClient } from 'aws-sdk-client-mock';
import { forgetRunReads } from '../../../src/aws/run-reads.js';
import type { Target } from '../../../src/engine/types.js';

/** The Resource Groups Tagging API the project's tag index reads (src/aws/tag-index.ts). */
export const taggingMock = mockClient(ResourceGroupsTaggingAPIClient);

/**
 * The index of `targets` (their memo dropped) holds these resources and tags: one GetResources page.
 * With none, the index is empty and each kind reads its own tags.
 */
export function indexHolds(targets: Target[], resources: Record<string, Record<string, string>> = {}): void {
  for (const target of targets) forgetRunReads(target);
  taggingMock.reset();
  taggingMock.on(GetResourcesCommand).resolves({
    ResourceTagMappingList: Object.entries(resources).map(([ResourceARN, tags]) => ({
      ResourceARN,
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    })),
    PaginationToken: '',
  });
}

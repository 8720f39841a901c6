import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { mockClient } from 'aws-sdk-client-mock';

/**
 * The Resource Groups Tagging API of the tag index (src/aws/tag-index.ts), mocked for the kinds' tests.
 * Reset, it answers nothing useful (the index is then unavailable and each kind reads its own tags);
 * `indexHolds` makes it list the given resources. Reset it in beforeEach: the index is per ClientFactory,
 * so a new testTarget() per test reads it afresh.
 */
export const taggingMock = mockClient(ResourceGroupsTaggingAPIClient);

/** GetResources lists these ARNs with these tags (one page). */
export function indexHolds(resources: Record<string, Record<string, string>>): void {
  taggingMock.on(GetResourcesCommand).resolves({
    ResourceTagMappingList: Object.entries(resources).map(([ResourceARN, tags]) => ({ ResourceARN, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) })),
    PaginationToken: '',
  });
}

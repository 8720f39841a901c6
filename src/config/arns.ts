/**
 * ARNs of regional resources mtpipe names, built without an SDK client, so that policies, rule patterns
 * and outputs can name them wherever they are rendered: `arn:<partition>:<service>:<region>:<account>:<resource>`.
 */
export interface ArnPlace {
  partition: string;
  region: string;
  account: string;
}

const regional = (service: string, place: ArnPlace, resource: string) => `arn:${place.partition}:${service}:${place.region}:${place.account}:${resource}`;

/** CodeCommit repository */
export const codecommitRepositoryArn = (place: ArnPlace, name: string) => regional('codecommit', place, name);
/** CodePipeline pipeline */
export const pipelineArn = (place: ArnPlace, name: string) => regional('codepipeline', place, name);
/** SNS topic */
export const topicArn = (place: ArnPlace, name: string) => regional('sns', place, name);
/** CloudWatch alarm (metric or composite) */
export const alarmArn = (place: ArnPlace, name: string) => regional('cloudwatch', place, `alarm:${name}`);

/**
 * AWS partitions by region prefix, as the SDK's endpoint rules name them: an ARN in the wrong
 * partition matches nothing.
 */
const PARTITIONS: [prefix: string, partition: string][] = [
  ['cn-', 'aws-cn'],
  ['us-gov-', 'aws-us-gov'],
  ['us-iso-', 'aws-iso'],
  ['us-isob-', 'aws-iso-b'],
  ['eu-isoe-', 'aws-iso-e'],
  ['us-isof-', 'aws-iso-f'],
  ['eusc-', 'aws-eusc'],
];

const REGION = /^[a-z]{2,4}(?:-[a-z]+)+-\d+$/;

/** The partition of a region: `aws-cn` for cn-north-1, `aws-us-gov` for us-gov-west-1, else `aws`. */
export function partitionOf(region: string): string {
  return PARTITIONS.find(([prefix]) => region.startsWith(prefix))?.[1] ?? 'aws';
}

/**
 * An ARN written `arn:aws:…` in the partition it belongs to: its own region's, or `region`'s when
 * it names none (IAM, `*`). Any other text, an ARN of another partition included, is kept as is.
 */
export function inPartition(arn: string, region: string): string {
  const own = /^arn:aws:[^:]*:([^:]*):/.exec(arn)?.[1];
  if (own === undefined) return arn;
  const partition = partitionOf(own && REGION.test(own) ? own : region);
  return `arn:${partition}:${arn.slice('arn:aws:'.length)}`;
}

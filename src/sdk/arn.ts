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

/** Why a partition has no CLOUDFRONT-scope WAF to call. */
const NO_CLOUDFRONT_WAF: Record<string, string> = {
  // docs.amazonaws.cn, "Amazon WAF - Getting Started with Amazon Web Services in China".
  'aws-cn': 'AWS WAF in the China Regions is supported at a regional level only',
  // AWS GovCloud (US) User Guide: CloudFront sits outside the GovCloud boundary.
  'aws-us-gov': 'CloudFront is not available in AWS GovCloud (US)',
};

/**
 * Where WAF's CLOUDFRONT-scope calls go from `region`'s partition, or why that partition has none.
 * WAFv2's `Scope`: "To work with CloudFront … API and SDKs - For all calls, use the Region endpoint
 * us-east-1", which is in the aws partition only.
 */
export function cloudfrontWafRegion(
  region: string,
): { region: string } | { partition: string; why: string } {
  const partition = partitionOf(region);
  if (partition === 'aws') return { region: 'us-east-1' };
  return {
    partition,
    why: NO_CLOUDFRONT_WAF[partition] ?? 'CLOUDFRONT scope is served from us-east-1 only',
  };
}

import type { FileConfig } from '../../src/config/file.ts';
import { exampleConfig } from './harness.ts';

/**
 * The example config plus `cdn`, a CLOUDFRONT-scope WAF target that names no region: it runs in
 * the bot's region (env AWS_REGION), which has no CLOUDFRONT IP set in aws-cn or aws-us-gov.
 */
export function withCloudfrontTarget(): FileConfig {
  const file = exampleConfig();
  const ipBlocklists = file.targets.ip_blocklists as Record<string, unknown>;
  return {
    ...file,
    targets: {
      ...file.targets,
      ip_blocklists: {
        ...ipBlocklists,
        cdn: {
          type: 'waf',
          ip_set_name: 'edge-blocked-ips',
          ip_set_id: 'a1b2c3d4-5678-90ab-cdef-0123456789ab',
          scope: 'CLOUDFRONT',
          environment: 'prod',
          allow_private: false,
        },
      },
    },
  };
}

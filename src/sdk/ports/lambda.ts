/** Lambda aliases and versions (promote, rollback). */

export interface LambdaAlias {
  functionName: string;
  alias: string;
  version: string;
  revisionId: string;
  arn: string;
  /**
   * The share of requests each other version gets (`RoutingConfig.AdditionalVersionWeights`, 0..1):
   * a weighted (canary) alias. Empty when every request goes to `version`.
   */
  weights: Record<string, number>;
}

export interface LambdaPort {
  getAlias(input: { functionName: string; alias: string; region?: string }): Promise<LambdaAlias>;
  /** True when the function has this published version. */
  hasVersion(input: { functionName: string; version: string; region?: string }): Promise<boolean>;
  /** Moves the alias; fails with a permanent `alias_changed_concurrently` error on a stale revision. */
  updateAlias(input: {
    functionName: string;
    alias: string;
    version: string;
    revisionId: string;
    region?: string;
  }): Promise<LambdaAlias>;
}

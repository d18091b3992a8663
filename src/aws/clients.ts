/** An adapter's clients: the SDK client of a region (the default region without one). */
export type ClientFor<C> = (region?: string) => C;

/**
 * One SDK client per region, created on first use; `defaultRegion` names the region of
 * `clients()`. The one place the adapters get their clients from.
 */
export type RegionalClients<C> = ((region?: string) => C) & { defaultRegion: string };

export function regionalClients<C>(
  create: (config: { region: string; maxAttempts: number }) => C,
  defaultRegion: string,
): RegionalClients<C> {
  const byRegion = new Map<string, C>();
  const get = (region = defaultRegion) => {
    let client = byRegion.get(region);
    if (!client) {
      client = create({ region, maxAttempts: 3 });
      byRegion.set(region, client);
    }
    return client;
  };
  return Object.assign(get, { defaultRegion });
}

/**
 * The region an ARN names (`arn:<partition>:<service>:<region>:…`); undefined for a global ARN or
 * a plain name. A regional API answers for a resource only in the resource's own region.
 */
export function arnRegion(id: string): string | undefined {
  const region = /^arn:aws[\w-]*:[\w-]+:([a-z]{2}(?:-[a-z]+)+-\d+):/.exec(id)?.[1];
  return region || undefined;
}

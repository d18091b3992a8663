/** One SDK client per region, created on first use. */
export function perRegion<C>(defaultRegion: string, create: (region: string) => C) {
  const byRegion = new Map<string, C>();
  return (region = defaultRegion): C => {
    let client = byRegion.get(region);
    if (!client) {
      client = create(region);
      byRegion.set(region, client);
    }
    return client;
  };
}

import { describe, expect, it } from 'vitest';
import { GroupResolver } from '../../src/requests/groups.ts';

describe('GroupResolver', () => {
  const groups = { listed: { users: ['U1'] }, slack: { usergroup: 'S1' } };

  it('caches a user group until the cache age, and reads it again when asked for fresh (a click)', async () => {
    let members = ['U2'];
    let calls = 0;
    const resolver = new GroupResolver(groups, async () => {
      calls++;
      return members;
    });
    expect(await resolver.isMember('U2', ['slack'])).toBe(true);
    members = ['U3'];
    expect(await resolver.isMember('U2', ['slack'])).toBe(true);
    expect(calls).toBe(1);
    expect(await resolver.isMember('U2', ['slack'], { fresh: true })).toBe(false);
    expect(await resolver.isMember('U3', ['slack'])).toBe(true);
    expect(calls).toBe(2);
    expect(await resolver.isMember('U1', ['listed'])).toBe(true);
    expect(await resolver.isMember('U1', ['nosuch'])).toBe(false);
  });

  it('shares one lookup between simultaneous fresh checks', async () => {
    let calls = 0;
    const resolver = new GroupResolver(groups, async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return ['U2'];
    });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => resolver.isMember('U2', ['slack'], { fresh: true })),
    );
    expect(results.every(Boolean)).toBe(true);
    expect(calls).toBe(1);
  });

  it('expires the cache after its age (5 minutes at most)', async () => {
    let calls = 0;
    const resolver = new GroupResolver(groups, async () => [`U${++calls}`], 0);
    await resolver.isMember('U1', ['slack']);
    await resolver.isMember('U1', ['slack']);
    expect(calls).toBe(2);
  });
});

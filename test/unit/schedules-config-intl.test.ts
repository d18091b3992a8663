import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * Runs a script in a fresh Node process (luxon caches the system locale once per process, and the
 * test runner's process may have it already) that counts every `Intl.DateTimeFormat` built while
 * it parses a config with `schedules`, then prints the count and what `parse` returned.
 */
function dateFormatsBuilt(parse: string): { built: number; result: unknown } {
  const script = `
    let built = 0;
    Intl.DateTimeFormat = new Proxy(Intl.DateTimeFormat, {
      construct(target, args, newTarget) { built++; return Reflect.construct(target, args, newTarget); },
      apply(target, self, args) { built++; return Reflect.apply(target, self, args); },
    });
    const { readFileSync } = await import('node:fs');
    const { parseFileConfig } = await import('./src/registry/load-config.ts');
    const example = readFileSync('opsbot.example.yml', 'utf8');
    const result = ${parse};
    console.log(JSON.stringify({ built, result }));
  `;
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    { encoding: 'utf8' },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

describe("checking the config's schedules builds no Intl.DateTimeFormat (issue 21: idle memory)", {
  timeout: 60_000,
}, () => {
  it('the example config (crons in UTC and Europe/Oslo) parses without building one', () => {
    const { built, result } = dateFormatsBuilt(
      `parseFileConfig(example, 'opsbot.example.yml').problems`,
    );
    expect(result).toEqual([]);
    expect(built).toBe(0);
  });

  it('a zone that is no canonical name is still decided by Intl.DateTimeFormat: aliases pass, unknown names do not', () => {
    const { result } = dateFormatsBuilt(`
      ['Etc/UTC', 'Asia/Calcutta', 'europe/oslo', 'Mars/Olympus'].map((tz) =>
        parseFileConfig(example.replace('timezone: UTC', 'timezone: ' + tz), 'f.yml').problems)
    `);
    expect(result).toEqual([
      [],
      [],
      [],
      [
        'f.yml schedules.mantissa-morning.timezone: "Mars/Olympus" is not an IANA time zone (such as UTC or Europe/Oslo)',
      ],
    ]);
  });
});

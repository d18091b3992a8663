import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IMAGE_ALLOCATOR_ENV, IMAGE_NODE_FLAGS } from '../../bench/lib/child.ts';

/** One `FROM` and the instructions under it. */
interface Stage {
  from: string;
  name?: string;
  lines: string[];
}

/** The Dockerfile's stages, with continuation lines joined and comments dropped. */
function stages(text: string): { args: Record<string, string>; stages: Stage[] } {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const args: Record<string, string> = {};
  const result: Stage[] = [];
  for (const line of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) result.push({ from: from[1]!, name: from[2], lines: [] });
    else if (result.length === 0 && /^ARG\s/.test(line)) {
      const [key, value = ''] = line.slice(4).split('=');
      args[key!.trim()] = value.trim();
    } else result.at(-1)?.lines.push(line);
  }
  return { args, stages: result };
}

describe('Dockerfile', () => {
  const { args, stages: all } = stages(readFileSync('Dockerfile', 'utf8'));
  const runtime = all.at(-1)!;
  const instruction = (stage: Stage, word: string) =>
    stage.lines.filter((l) => l.toUpperCase().startsWith(`${word} `));

  it('starts every stage from a base image pinned by digest', () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const stage of all) {
      const image = stage.from.replace(/^\$\{(\w+)\}$/, (_, name: string) => args[name] ?? '');
      expect(image, stage.from).toMatch(/^[\w./-]+:[\w.-]+@sha256:[0-9a-f]{64}$/);
    }
  });

  it('builds dist/ with npm run build in a stage that has the devDependencies', () => {
    const build = all.find((s) => s.lines.includes('RUN npm run build'));
    expect(build).toBeDefined();
    expect(instruction(build!, 'RUN').some((l) => /npm ci(?!.*--omit=dev)/.test(l))).toBe(true);
    expect(runtime.lines).toContain(`COPY --from=${build!.name} /app/dist ./dist`);
  });

  it('ships only production packages', () => {
    const copy = instruction(runtime, 'COPY').find((l) => l.includes('/app/node_modules'));
    const stageName = /--from=(\S+)/.exec(copy ?? '')?.[1];
    const deps = all.find((s) => s.name === stageName);
    expect(instruction(deps!, 'RUN').some((l) => l.includes('npm ci --omit=dev'))).toBe(true);
  });

  it('runs node dist/main.js under tini as a non-root user, with a HEALTHCHECK on /health', () => {
    const entrypoint = JSON.parse(instruction(runtime, 'ENTRYPOINT')[0]!.slice(11)) as string[];
    expect(entrypoint).toEqual(['/usr/bin/tini', '--', 'node', 'dist/main.js']);
    expect(instruction(runtime, 'RUN').join(' ')).toMatch(/apt-get install .*\btini\b/);
    const user = instruction(runtime, 'USER')[0];
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^USER\s+(root|0)\b/);
    expect(instruction(runtime, 'HEALTHCHECK')[0]).toContain('/health');
    // No npm and no tsx at run time.
    expect(
      [...instruction(runtime, 'ENTRYPOINT'), ...instruction(runtime, 'CMD')].join(' '),
    ).not.toMatch(/\bnpm\b|\btsx\b/);
  });

  it('gives node the flags the benches measure the image with (IMAGE_NODE_FLAGS)', () => {
    const env = instruction(runtime, 'ENV').join(' ');
    expect(/\bNODE_OPTIONS=(?:"([^"]*)"|(\S+))/.exec(env)?.slice(1).find(Boolean)).toBe(
      IMAGE_NODE_FLAGS.join(' '),
    );
  });

  it('preloads the allocator the benches measure the image with (IMAGE_ALLOCATOR_ENV)', () => {
    expect(instruction(runtime, 'RUN').join(' ')).toMatch(/apt-get install .*\blibjemalloc2\b/);
    const env = instruction(runtime, 'ENV').join(' ');
    for (const [name, value] of Object.entries(IMAGE_ALLOCATOR_ENV))
      expect(new RegExp(`\\b${name}=(?:"([^"]*)"|(\\S+))`).exec(env)?.slice(1).find(Boolean)).toBe(
        value,
      );
  });

  it('copies only paths that exist in the checkout', () => {
    for (const stage of all)
      for (const line of instruction(stage, 'COPY').filter((l) => !l.includes('--from=')))
        for (const path of line.split(/\s+/).slice(1, -1))
          expect(existsSync(path), `${line}: ${path}`).toBe(true);
  });
});

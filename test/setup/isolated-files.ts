import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Unit and integration files that stub AWS SDK clients with aws-sdk-client-mock, directly or
 * through a test/helpers module. The stubs replace `send` on the client classes' prototypes: in a
 * shared worker, one file's stub (or a cached client) answers the next file's calls (seen as
 * service-commands-slack, containment, schedules-slack and iam-coverage failing in shuffled order).
 */
export function filesStubbingAws(): string[] {
  const read = (path: string) => readFileSync(path, 'utf8');
  const helpers = readdirSync('test/helpers').filter((name) => name.endsWith('.ts'));
  const stubbing = new Set(
    helpers.filter((name) => read(join('test/helpers', name)).includes('aws-sdk-client-mock')),
  );
  // Helpers that use a stubbing helper stub too (one level is all test/helpers has today; loop
  // until nothing changes so a deeper chain is caught as well).
  for (let grown = true; grown; ) {
    grown = false;
    for (const name of helpers) {
      if (stubbing.has(name)) continue;
      const text = read(join('test/helpers', name));
      if ([...stubbing].some((s) => text.includes(`./${s}'`))) {
        stubbing.add(name);
        grown = true;
      }
    }
  }
  const files: string[] = [];
  for (const dir of ['test/unit', 'test/integration']) {
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.test.ts'))) {
      const text = read(join(dir, name));
      const stubs =
        text.includes('aws-sdk-client-mock') ||
        [...stubbing].some((s) => text.includes(`/helpers/${s}'`));
      if (stubs) files.push(join(dir, name));
    }
  }
  return files;
}

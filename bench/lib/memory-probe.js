// Preload for `npm run bench:memory`: `node --expose-gc --import ./bench/lib/memory-probe.js …`.
// Records every ES module URL the process loads (module.register hook, bench/lib/memory-hooks.js)
// and, on SIGUSR2, runs a full GC twice and writes process.memoryUsage() and VmRSS as one JSON line
// (with the CommonJS files in the require cache) to MEMORY_PROBE_OUT. Plain JavaScript so it preloads into the compiled build as well as tsx.
import { appendFileSync, readFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { getHeapSpaceStatistics } from 'node:v8';

const out = process.env.MEMORY_PROBE_OUT;
if (out) {
  // The hooks run on a thread of their own (its own V8 heap): only when the module list is wanted.
  if (process.env.MEMORY_PROBE_MODULES === '1')
    register('./memory-hooks.js', import.meta.url, { data: { out: `${out}.modules` } });
  process.on('SIGUSR2', () => {
    globalThis.gc?.();
    globalThis.gc?.();
    const status = readFileSync('/proc/self/status', 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const usage = process.memoryUsage();
    // CommonJS modules (most of node_modules) are in the shared require cache, not seen by the hook.
    const cjs = Object.keys(createRequire(import.meta.url).cache);
    const spaces = Object.fromEntries(
      getHeapSpaceStatistics().map((s) => [s.space_name, [s.space_size, s.space_used_size]]),
    );
    appendFileSync(out, `${JSON.stringify({ rssKb, ...usage, spaces, cjs })}\n`);
  });
}

// `node --expose-gc bench/lib/package-cost.js <package>…`: VmRSS and V8 heap a fresh Node process
// gains by importing the packages (after a forced GC on both sides). For docs/benchmarks.md's
// "where the memory goes"; run one process per package, since shared dependencies count once.
import { readFileSync } from 'node:fs';

const packages = process.argv.slice(2);
const rss = () =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
const snapshot = () => {
  globalThis.gc();
  globalThis.gc();
  return { rss: rss(), heap: process.memoryUsage().heapUsed / 2 ** 20 };
};
const before = snapshot();
for (const name of packages) await import(name);
const after = snapshot();
console.log(
  `${packages.join(' + ')}: RSS +${(after.rss - before.rss).toFixed(1)} MB, heap +${(after.heap - before.heap).toFixed(1)} MB`,
);

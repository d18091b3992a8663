// Adds package-lock entries for optional, platform-specific packages (other OSes' binaries of
// biome, msgpackr-extract, …) that the lock lacks because the registry this lock was made against
// did not serve them. Without them `npm ci` refuses the lock as out of sync. npm skips these
// packages on non-matching platforms and fetches them by version where they match.
// Run after `npm install`: node .ci/lock-platform-entries.cjs
const fs = require('node:fs');

const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8'));
const platform = (name) => {
  const os = /darwin/.test(name)
    ? 'darwin'
    : /win32/.test(name)
      ? 'win32'
      : /android/.test(name)
        ? 'android'
        : /freebsd/.test(name)
          ? 'freebsd'
          : 'linux';
  const cpu = /arm64/.test(name)
    ? 'arm64'
    : /-arm$|-arm-/.test(name)
      ? 'arm'
      : /ia32/.test(name)
        ? 'ia32'
        : 'x64';
  return { os: [os], cpu: [cpu], ...(/musl/.test(name) ? { libc: ['musl'] } : {}) };
};
let added = 0;
for (const entry of Object.values(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key]) continue;
    lock.packages[key] = {
      version: version.replace(/^[\^~]/, ''),
      optional: true,
      ...platform(name),
    };
    added += 1;
  }
}
fs.writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} platform entries`);

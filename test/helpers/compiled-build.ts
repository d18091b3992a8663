import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

interface LockedPackage {
  dev?: boolean;
}

/**
 * Builds dist/ with `npm run build`'s script (without its type check) into a fresh directory, beside a node_modules that
 * holds only the production packages of package-lock.json (symlinks to the checkout's copies): what
 * `npm ci --omit=dev` leaves in the image. The directory has no src/ and no tsx, so a compiled
 * entry that reaches for either fails here as it would in the image.
 */
export function buildCompiled(): { dir: string; dispose(): void } {
  const root = resolve('.');
  const dir = mkdtempSync(join(tmpdir(), 'opsbot-dist-'));
  // --no-check: npm test type-checks the same sources (npm run typecheck); the JavaScript is the same.
  const built = spawnSync(process.execPath, ['scripts/build.js', join(dir, 'dist'), '--no-check'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(`npm run build failed:\n${built.stdout}${built.stderr}`);
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockedPackage>;
  };
  for (const [path, locked] of Object.entries(lock.packages)) {
    // Nested packages come along inside their parent's directory.
    if (!path.startsWith('node_modules/') || path.lastIndexOf('node_modules/') > 0) continue;
    if (locked.dev) continue;
    const source = join(root, path);
    // Optional packages for other platforms are in the lock but not installed.
    if (!existsSync(source)) continue;
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(source, target, 'dir');
  }
  // The image copies the example guided runbooks beside dist/ (Dockerfile: COPY runbooks).
  symlinkSync(join(root, 'runbooks'), join(dir, 'runbooks'), 'dir');
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

import Module, { createRequire } from 'node:module';

export interface DeferOptions {
  /**
   * Answers `__esModule: true` without loading the module, for a module TypeScript's
   * `__importDefault` wraps at load time (the importer reads `default` only later).
   */
  esModule?: boolean;
}

/**
 * Puts a stand-in for a CommonJS module in the require cache, so a package that requires it at load
 * time but uses it only on some paths does not load it at start. The stand-in's exports load the
 * real module on first use (any property read, `in`, or listing its keys) and forward to it; the
 * stand-in then leaves the cache, so later requires get the real module. Nothing in the package is
 * patched, and a module already loaded is left alone.
 *
 * `specifier` is resolved from `from` (a file path or URL: where the package that requires it
 * lives), as that package's own `require` would resolve it. Returns the resolved path.
 */
export function deferModule(specifier: string, from: string, options: DeferOptions = {}): string {
  const require = createRequire(from);
  const path = require.resolve(specifier);
  if (require.cache[path]) return path;
  const standIn = new Module(path);
  let real: object | undefined;
  const load = (): object => {
    if (!real) {
      if (require.cache[path] === standIn) delete require.cache[path];
      real = require(path) as object;
    }
    return real;
  };
  standIn.filename = path;
  standIn.loaded = true;
  standIn.exports = new Proxy(
    {},
    {
      get: (_, key) => (key === '__esModule' && options.esModule ? true : Reflect.get(load(), key)),
      has: (_, key) => Reflect.has(load(), key),
      ownKeys: () => Reflect.ownKeys(load()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
        // The proxy's own target is empty: a proxy may only report configurable properties.
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
  require.cache[path] = standIn;
  return path;
}

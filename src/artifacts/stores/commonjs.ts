/**
 * The exports of a CommonJS package loaded with `await import()`, however it was loaded. Node
 * gives the namespace its named exports (and `default`, the whole `module.exports`). The actions'
 * bundle (esbuild with code splitting, scripts/build.mjs) puts a dynamically imported CommonJS
 * package in a chunk of its own that exports only `default`: destructuring a named export from
 * it gives undefined ("e is not a constructor" in every S3 read of a bundled action). Taking
 * `default` when it holds an object works for both. Only for CommonJS packages (the AWS SDK v3
 * and @smithy resolve to their dist-cjs builds); an ES module's `default` is something else.
 */
export function commonJsExports<T extends object>(namespace: T): T {
  const whole = (namespace as { default?: unknown }).default
  return typeof whole === 'object' && whole !== null ? (whole as T) : namespace
}

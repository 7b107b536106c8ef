/**
 * The exports of a store SDK loaded with a dynamic import, whichever way the module arrives.
 *
 * A CommonJS package (the AWS SDK v3 and @smithy/* resolve to their dist-cjs builds) imported
 * from ES modules gives its named exports under Node's own loader (cjs-module-lexer), which is
 * how the tests import src/. In the actions' bundle, esbuild splits it into a chunk whose only
 * export is `default`, module.exports: `const { S3Client } = await import(...)` was then
 * undefined and every direct S3 read in promote-model failed with "e is not a constructor".
 * Taking the named export, else the same name on `default`, works in both; a name found in
 * neither is a build problem, named as such.
 */
export function sdkExports<T extends object, K extends keyof T & string>(
  loaded: T,
  names: readonly K[],
  packageName: string
): Pick<T, K> {
  const has = (candidate: unknown): candidate is T =>
    typeof candidate === 'object' &&
    candidate !== null &&
    names.every(name => (candidate as Record<string, unknown>)[name] !== undefined)
  if (has(loaded)) return loaded
  const fallback = (loaded as { default?: unknown }).default
  if (has(fallback)) return fallback
  const found = (name: K): boolean =>
    (loaded as Record<string, unknown>)[name] !== undefined ||
    (fallback as Record<string, unknown> | undefined)?.[name] !== undefined
  // Not an ActionError: the user can change nothing about it; run.ts reports it as a bug.
  throw new Error(
    `${packageName} loaded without ${names.filter(n => !found(n)).join(', ')}: this build of the suite bundles it wrongly`
  )
}

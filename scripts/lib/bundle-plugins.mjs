// The esbuild plugins of `npm run bundle` (scripts/build.mjs). Each one changes what a bundle
// holds, not what it does; the comment on each says why that is safe and what proves it.
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'

/**
 * @actions/core imports @actions/http-client (and so undici) at its top for getIDToken, and its
 * `platform` namespace (lib/platform.js) imports @actions/exec and @actions/io for getDetails;
 * no action calls either. These modules are free of load-time effects that the suite relies on,
 * so marking them side-effect free lets esbuild drop them wherever nothing uses them: a cold
 * start then loads neither undici nor child_process. Where the suite does use them (the MLflow
 * client, git through @actions/exec), they stay, in the chunks loaded after the inputs parse.
 */
export const sideEffectFree = {
  name: 'side-effect-free',
  setup(build) {
    build.onResolve(
      { filter: /^(@actions\/(http-client|exec|io)(\/.*)?|\.\/platform\.js)$/ },
      async args => {
        if (args.pluginData === 'resolved') return undefined
        if (args.path.startsWith('.') && !/[\\/]@actions[\\/]core[\\/]/.test(args.importer))
          return undefined
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: 'resolved'
        })
        return { ...resolved, sideEffects: false }
      }
    )
  }
}

/**
 * undici's index requires all of it (WebSocket, EventSource, caches, mocks, the SQLite cache
 * store...), which esbuild cannot shake out of CommonJS. The bundles import only these names:
 * Agent (the MLflow client, src/mlflow/http.ts), ProxyAgent (@actions/http-client) and fetch
 * (@actions/github). The stand-in below takes exactly those from undici's own files, with the
 * request API on Dispatcher's prototype as undici's index puts it; 0.18 MB less per bundle.
 * It is an ES module so that an import of any other name fails the build ("No matching export")
 * instead of arriving undefined. The MLflow integration tests and the act runs go through it.
 */
export const undiciUsedParts = {
  name: 'undici-used-parts',
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, () => ({
      path: 'undici',
      namespace: 'undici-used-parts',
      sideEffects: false
    }))
    build.onLoad({ filter: /.*/, namespace: 'undici-used-parts' }, () => ({
      contents: [
        "import Dispatcher from 'undici/lib/dispatcher/dispatcher.js'",
        "import api from 'undici/lib/api/index.js'",
        "import Agent from 'undici/lib/dispatcher/agent.js'",
        "import ProxyAgent from 'undici/lib/dispatcher/proxy-agent.js'",
        "import fetching from 'undici/lib/web/fetch/index.js'",
        'Object.assign(Dispatcher.prototype, api)',
        'export const fetch = fetching.fetch',
        'export { Agent, Dispatcher, ProxyAgent }'
      ].join('\n'),
      loader: 'js',
      resolveDir: build.initialOptions.absWorkingDir
    }))
  }
}

/**
 * undici's HTTP/1 client carries its parser twice, as WebAssembly with SIMD and without: 70 KB of
 * base64 each, in every bundle. It compiles the SIMD one and falls back to the other only where
 * V8 has no WebAssembly SIMD (ppc64 before Node 24.12) or UNDICI_NO_WASM_SIMD=1 asks for it. The
 * runners the suite supports (x64 and arm64, Node 20 and 24) all have SIMD, so the fallback is
 * left out: where it would be needed, the request fails with the message below instead of
 * silently running slower. The same file also required the fallback eagerly under jest
 * (JEST_WORKER_ID); that line goes too. The build fails if undici's file no longer reads as
 * expected, and test/dist/bundle-layout.test.ts shows the message with UNDICI_NO_WASM_SIMD=1.
 */
export const NO_SIMD_MESSAGE =
  "undici's HTTP parser without WebAssembly SIMD is not in model-governance's bundle: " +
  'unset UNDICI_NO_WASM_SIMD, or run on an x64 or arm64 runner with Node 20 or newer'
export const undiciSimdParserOnly = {
  name: 'undici-simd-parser-only',
  setup(build) {
    build.onLoad(
      { filter: /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client-h1\.js$/ },
      async args => {
        const source = await readFile(args.path, 'utf8')
        const fallback = "require('../llhttp/llhttp-wasm.js')"
        const eager = `process.env.JEST_WORKER_ID ? ${fallback} : undefined`
        if (source.split(fallback).length !== 3 || !source.includes(eager)) {
          throw new Error(
            `${args.path} no longer loads its non-SIMD parser as undici-simd-parser-only expects: update the plugin in scripts/lib/bundle-plugins.mjs`
          )
        }
        const refuse = `(() => { throw new Error(${JSON.stringify(NO_SIMD_MESSAGE)}) })()`
        return {
          contents: source.replace(eager, 'undefined').replace(fallback, refuse),
          loader: 'js'
        }
      }
    )
  }
}

/**
 * node-fetch 2 (under the GCS SDK) requires whatwg-url, 0.29 MB with its Unicode tables, and
 * uses it only where Node has no URL class: `const URL = Url.URL || whatwgUrl.URL`. Every Node
 * the suite runs on has one, so the bundle gets Node's own in its place. The GCS tests against
 * the emulator (test/integration/stores/gcs.test.ts) run through this path.
 */
export const whatwgUrlFromNode = {
  name: 'whatwg-url-from-node',
  setup(build) {
    build.onResolve({ filter: /^whatwg-url$/ }, () => ({
      path: 'whatwg-url',
      namespace: 'node-url'
    }))
    build.onLoad({ filter: /.*/, namespace: 'node-url' }, () => ({
      contents:
        "const { URL, URLSearchParams } = require('node:url'); module.exports = { URL, URLSearchParams }",
      loader: 'js'
    }))
  }
}

export const STORE_SDKS_MODULE = 'src/artifacts/stores/sdks.ts'
/** Where an action's bundle finds the CLI, from dist/<action>/ and dist/chunks/ alike. */
export const CLI_FROM_ACTIONS = '../cli/index.js?store-sdks'

/** The loader names src/artifacts/stores/sdks.ts declares, read from its source. */
export function storeSdkNames(root) {
  const source = readFileSync(path.join(root, STORE_SDKS_MODULE), 'utf8')
  const names = [...source.matchAll(/^\s+(\w+): \(\) => import\(/gm)].map(m => m[1])
  // None found means the file no longer reads as `name: () => import(...)`: the actions would
  // get no loaders at all, which only a store read at run time would show.
  if (names.length === 0)
    throw new Error(`${STORE_SDKS_MODULE} declares no loader as \`name: () => import(...)\``)
  return names
}

/**
 * The actions' build: src/artifacts/stores/sdks.ts becomes loaders that import the CLI bundle
 * (which exports the same object) and call its loader. The cloud SDKs then ship once, in
 * dist/cli/index.js, instead of once there and once in dist/chunks/. An action pays for it
 * only when it reads a store: parsing the CLI file, some 80 ms, beside the reads themselves.
 * scripts/build.mjs checks that the CLI exports every name and that every output holding these
 * loaders sits one folder below dist/, where CLI_FROM_ACTIONS points.
 */
export function storeSdksFromCli(root) {
  const names = storeSdkNames(root)
  const target = path.join(root, STORE_SDKS_MODULE)
  return {
    name: 'store-sdks-from-cli',
    setup(build) {
      build.onResolve({ filter: /^\.\.\/cli\/index\.js\?store-sdks$/ }, args => ({
        path: args.path,
        external: true
      }))
      build.onLoad({ filter: /[\\/]src[\\/]artifacts[\\/]stores[\\/]sdks\.ts$/ }, args => {
        if (path.resolve(args.path) !== target) return undefined
        const loaders = names
          .map(
            name =>
              `  ${name}: async () => (await import(${JSON.stringify(CLI_FROM_ACTIONS)})).storeSdks.${name}()`
          )
          .join(',\n')
        return { contents: `export const storeSdks = {\n${loaders}\n}\n`, loader: 'js' }
      })
    }
  }
}

import { describe, expect, it } from '@jest/globals'
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { NO_SIMD_MESSAGE } from '../../scripts/lib/bundle-plugins.mjs'
import { NODE_VERSIONS, nodeBinary } from '../harness/dist-runner.js'
import { OUTPUT, ROOT } from '../harness/paths.js'

// What scripts/build.mjs (with scripts/lib/bundle-plugins.mjs) promises about dist/'s layout,
// read off the committed files and run as a user's runner runs them.
const DIST = path.join(ROOT, 'dist')
const CLI = path.join(DIST, 'cli', 'index.js')
const actionFiles = (): string[] => [
  ...readdirSync(path.join(DIST, 'chunks')).map(f => path.join(DIST, 'chunks', f)),
  ...readdirSync(DIST, { withFileTypes: true })
    .filter(d => d.isDirectory() && d.name !== 'chunks' && d.name !== 'cli')
    .map(d => path.join(DIST, d.name, 'index.js'))
]

// Strings only the SDKs themselves hold (request signing, service headers, endpoints).
const SDK_MARKS = {
  '@aws-sdk/client-s3': 'x-amz-content-sha256',
  '@azure/storage-blob': 'x-ms-version',
  '@google-cloud/storage': 'storage.googleapis.com'
}

describe('the cloud SDKs ship once, in the CLI bundle', () => {
  it.each(Object.entries(SDK_MARKS))('%s is in dist/cli/index.js and in no action file', (pkg, mark) => {
    expect(readFileSync(CLI, 'utf8')).toContain(mark)
    const holders = actionFiles().filter(f => readFileSync(f, 'utf8').includes(mark))
    expect(holders).toEqual([])
    // The licences follow the code: listed beside the CLI, not beside the actions.
    const listed = new RegExp(`^\\s*${pkg.replace('/', '\\/')}@`, 'm')
    expect(readFileSync(path.join(DIST, 'cli', 'licenses.txt'), 'utf8')).toMatch(listed)
    expect(readFileSync(path.join(DIST, 'licenses.txt'), 'utf8')).not.toMatch(listed)
  })

  it.each(NODE_VERSIONS)(
    'imported as the actions import it (?store-sdks), the CLI runs no command and gives every SDK, under %s',
    node => {
      const program = `
        const { storeSdks } = await import(${JSON.stringify(`${pathToFileURL(CLI).href}?store-sdks`)})
        const pick = (m, name) => m[name] ?? m.default?.[name]
        const s3 = await storeSdks.awsS3(), blob = await storeSdks.azureBlob()
        const found = {
          S3Client: typeof pick(s3, 'S3Client'),
          GetObjectCommand: typeof pick(s3, 'GetObjectCommand'),
          NodeHttpHandler: typeof pick(await storeSdks.smithyHttpHandler(), 'NodeHttpHandler'),
          BlobServiceClient: typeof pick(blob, 'BlobServiceClient'),
          DefaultAzureCredential: typeof pick(await storeSdks.azureIdentity(), 'DefaultAzureCredential'),
          Storage: typeof pick(await storeSdks.googleStorage(), 'Storage')
        }
        process.stderr.write(JSON.stringify(found))`
      const run = spawnSync(nodeBinary(node), ['--input-type=module', '-e', program], {
        encoding: 'utf8',
        cwd: OUTPUT,
        env: { PATH: process.env.PATH ?? '' }
      })
      expect(run.stdout).toBe('')
      expect(run.status).toBe(0)
      expect(JSON.parse(run.stderr)).toEqual({
        S3Client: 'function',
        GetObjectCommand: 'function',
        NodeHttpHandler: 'function',
        BlobServiceClient: 'function',
        DefaultAzureCredential: 'function',
        Storage: 'function'
      })
    }
  )
})

describe("undici's HTTP parser: the SIMD build only", () => {
  // A stand-in tracking server with one registered model and no versions: `status` reports
  // nothing in its stages after two requests (MLflow's REST API answers these shapes).
  async function withServer<T>(use: (uri: string) => Promise<T>): Promise<T> {
    const server = http.createServer((req, res) => {
      res.setHeader('content-type', 'application/json')
      res.end(
        req.url?.startsWith('/api/2.0/mlflow/registered-models/get?')
          ? JSON.stringify({ registered_model: { name: 'churn-classifier' } })
          : '{}'
      )
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    try {
      return await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
    } finally {
      server.close()
    }
  }

  function status(
    node: (typeof NODE_VERSIONS)[number],
    uri: string,
    extra: NodeJS.ProcessEnv
  ): Promise<{ code: number | null; out: string; err: string }> {
    mkdirSync(path.join(OUTPUT, 'bundle-layout'), { recursive: true })
    const dir = mkdtempSync(path.join(OUTPUT, 'bundle-layout', 'simd-'))
    // Its own repository: the CLI looks for AUDIT.log at the top of the one it runs in.
    spawnSync('git', ['init', '--quiet', dir])
    writeFileSync(path.join(dir, 'AUDIT.log'), '')
    const child = spawn(nodeBinary(node), [CLI, 'status', 'churn-classifier'], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        MLFLOW_TRACKING_URI: uri,
        MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0',
        ...extra
      }
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    return new Promise(resolve => child.on('close', code => resolve({ code, out, err })))
  }

  it.each(NODE_VERSIONS)('talks to a tracking server under %s', async node => {
    const run = await withServer(uri => status(node, uri, {}))
    expect(run.err).not.toMatch(/^error:/m)
    expect(run.out).toContain('churn-classifier: every stage and alias holds what AUDIT.log says')
    expect(run.code).toBe(0)
  })

  it('where the fallback parser would be needed, names what is missing and what to do', async () => {
    const run = await withServer(uri => status('node20', uri, { UNDICI_NO_WASM_SIMD: '1' }))
    expect(run.err).toContain(NO_SIMD_MESSAGE)
    expect(run.code).toBe(3)
  })
})

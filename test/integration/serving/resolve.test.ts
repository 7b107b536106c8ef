import { beforeAll, describe, expect, it } from '@jest/globals'
import { execFile, spawn, spawnSync } from 'node:child_process'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createHash } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync
} from 'node:fs'
import path from 'node:path'
import { runCli } from '../../../src/cli/main.js'
import { runDist } from '../../harness/dist-runner.js'
import { OUTPUT, PYTHON, ROOT } from '../../harness/paths.js'
import { runPythonJson, seed, uniqueName } from '../../harness/python.js'
import { harness } from '../../harness/state.js'
import { RUN_ENV, workspace } from '../reconcile/fixtures.js'

const md5 = (bytes: Buffer | string): string => createHash('md5').update(bytes).digest('hex')

/** DVC's .dir hash of plain-ASCII relpaths, written out by hand (dvc-data: json.dumps of the sorted list). */
function dvcDirMd5(files: Record<string, Buffer>): string {
  const list = Object.keys(files)
    .sort()
    .map(rel => `{"md5": "${md5(files[rel]!)}", "relpath": "${rel}"}`)
  return `${md5(`[${list.join(', ')}]`)}.dir`
}

/** The CLI in this process, as a user's shell would run it (stdout, stderr, exit code). */
async function resolveCli(args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(args, {
    env,
    cwd,
    stdout: { write: t => void out.push(t) },
    stderr: { write: t => void err.push(t) }
  })
  return { code, stdout: out.join(''), stderr: err.join('') }
}

/** Everything next to DIR that is not DIR's parent's usual content: a leftover temporary folder. */
const leftovers = (parent: string): string[] =>
  readdirSync(parent).filter(name => name.includes('.resolve-'))

/**
 * The serving side against the real server: versions logged with MLflow's Python client,
 * promoted by the promote-model bundle and audited by the audit-log bundle with the model md5 a
 * lineage-check would record (DVC's hash of the model directory), then resolved and downloaded.
 */
describe('resolve against the real registry and audit log', () => {
  const { mlflow } = harness()
  const env = { MLFLOW_TRACKING_URI: mlflow.uri }
  const artifactStore = path.join(path.dirname(mlflow.log), 'artifacts')
  const good = uniqueName('sv-good')
  const drifted = uniqueName('sv-drift')
  const tampered = uniqueName('sv-tamper')
  const served = uniqueName('sv-pyfunc')
  const files = {
    MLmodel: Buffer.from('flavors: {}\n'),
    'model.bin': Buffer.from('weights of the approved model\n'),
    'sub/vocab.txt': Buffer.from('a\nb\nc\n')
  }
  let ws: string
  let runs: Record<string, string>
  let trained: {
    run_id: string
    md5: string
    files: Record<string, string>
    rows: number[][]
    predictions: number[]
  }

  /**
   * promote-model then audit-log, as the approval workflow runs them, with the lineage given:
   * the promotions (of different models) at once, then the appends one after another.
   */
  async function promote(promotions: [model: string, modelMd5: string][]) {
    const promoted = await Promise.all(
      promotions.map(([model]) =>
        runDist(
          'promote-model',
          {
            'model-name': model,
            version: '1',
            stage: 'Production',
            'tracking-uri': mlflow.uri,
            'allow-skip': 'true'
          },
          { workspace: ws, env: RUN_ENV }
        )
      )
    )
    for (const [i, [model, modelMd5]] of promotions.entries()) {
      const result = promoted[i]!
      if (result.code !== 0) throw new Error(`promote-model failed: ${result.all.slice(-2000)}`)
      const audited = await runDist(
        'audit-log',
        {
          event: 'promote',
          'model-name': model,
          version: '1',
          from: 'None',
          to: result.outputs.stage!,
          'previous-version': result.outputs['previous-version'] ?? '',
          reason: `release ${model} v1`,
          lineage: JSON.stringify({
            'lock-sha256': 'c'.repeat(64),
            'model-md5': modelMd5,
            verified: true
          }),
          'tracking-uri': mlflow.uri,
          push: 'false'
        },
        { workspace: ws, env: RUN_ENV }
      )
      if (audited.code !== 0) throw new Error(`audit-log failed: ${audited.all.slice(-2000)}`)
    }
  }

  beforeAll(async () => {
    ws = workspace('serving')
    const work = mkdtempSync(path.join(OUTPUT, 'serving-train-'))
    trained = runPythonJson('serving_model.py', [mlflow.uri, 'serving-it', work])
    const encoded = Object.fromEntries(
      Object.entries(files).map(([rel, bytes]) => [rel, bytes.toString('base64')])
    )
    const results = seed(mlflow.uri, [
      { op: 'run', experiment: 'serving-it', artifact: false, files: encoded },
      { op: 'run', experiment: 'serving-it', artifact: false, files: encoded },
      { op: 'run', experiment: 'serving-it', artifact: false, files: encoded },
      { op: 'register', name: good, run: 0 },
      { op: 'register', name: drifted, run: 1 },
      { op: 'register', name: drifted, run: 1 },
      { op: 'register', name: tampered, run: 2 },
      { op: 'register', name: served, run_id: trained.run_id }
    ])
    runs = { good: results[0]!.run_id!, tampered: results[2]!.run_id! }
    const recorded = dvcDirMd5(files)
    await promote([
      [good, recorded],
      [drifted, recorded],
      [tampered, recorded],
      [served, trained.md5]
    ])
  }, 600_000)

  it('prints the governed URI after promote, with the recorded lineage in --json', async () => {
    const text = await resolveCli(['resolve', good, 'Production'], ws, env)
    expect([text.code, text.stdout]).toEqual([0, `models:/${good}/1\n`])
    // stdout is the URI alone; stderr says, in one note, which checks of the trail ran.
    expect(text.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^note: AUDIT\.log: Trust: hash chain verified; git history verified; GitHub's record of the runs not checked\./
      )
    ])
    const [byAlias, json] = await Promise.all([
      resolveCli(['resolve', good, 'alias:champion'], ws, env),
      resolveCli(['resolve', good, 'stage:Production', '--json'], ws, env)
    ])
    expect(byAlias.stdout).toBe(`models:/${good}/1\n`)
    expect(json.code).toBe(0)
    expect(JSON.parse(json.stdout)).toMatchObject({
      model: good,
      kind: 'stage',
      target: 'Production',
      version: '1',
      audited_version: '1',
      uri: `models:/${good}/1`,
      in_sync: true,
      model_md5: dvcDirMd5(files),
      lock_sha256: 'c'.repeat(64),
      registry: new URL(mlflow.uri).origin
    })
    const doc = JSON.parse(json.stdout) as { lineage_seq: number; audit_seq: number }
    expect(doc.lineage_seq).toBe(doc.audit_seq)
  })

  it('exits 1 after the stage is moved with the REST API directly, and prints no URI', async () => {
    const before = await resolveCli(['resolve', drifted, 'Production'], ws, env)
    expect(before.code).toBe(0)
    const moved = await fetch(`${mlflow.uri}/api/2.0/mlflow/model-versions/transition-stage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: drifted,
        version: '2',
        stage: 'Production',
        archive_existing_versions: true
      })
    })
    expect(moved.status).toBe(200)
    const after = await resolveCli(['resolve', drifted, 'Production'], ws, env)
    expect(after.code).toBe(1)
    expect(after.stdout).toBe('')
    expect(after.stderr).toMatch(/held by v2 in .*, but the audit trail says v1/)
    const json = await resolveCli(['resolve', drifted, 'Production', '--json'], ws, env)
    expect(json.code).toBe(1)
    expect(JSON.parse(json.stdout)).toMatchObject({
      version: '2',
      audited_version: '1',
      uri: null,
      in_sync: false
    })
    // The alias was not moved: it still resolves.
    const alias = await resolveCli(['resolve', drifted, 'champion'], ws, env)
    expect([alias.code, alias.stdout]).toEqual([0, `models:/${drifted}/1\n`])
    // A download is refused before anything is written.
    const dl = path.join(mkdtempSync(path.join(OUTPUT, 'serving-dl-')), 'model')
    const refused = await resolveCli(['resolve', drifted, 'Production', '--download', dl], ws, env)
    expect(refused.code).toBe(1)
    expect(existsSync(dl)).toBe(false)
  })

  it('exits 1 for a target with no governed holder', async () => {
    const run = await resolveCli(['resolve', good, 'Staging'], ws, env)
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('has no governed holder')
  })

  it('--download verifies a good artifact and lands it in DIR', async () => {
    const parent = mkdtempSync(path.join(OUTPUT, 'serving-dl-'))
    const dir = path.join(parent, 'model')
    const run = await resolveCli(
      ['resolve', good, 'Production', '--download', dir, '--json'],
      ws,
      env
    )
    expect(run.code).toBe(0)
    const doc = JSON.parse(run.stdout) as { download: Record<string, unknown> }
    expect(doc.download).toMatchObject({
      dir,
      md5: dvcDirMd5(files),
      files: 3,
      verified: true
    })
    for (const [rel, bytes] of Object.entries(files))
      expect(readFileSync(path.join(dir, rel))).toEqual(bytes)
    expect(readdirSync(dir).sort()).toEqual(['MLmodel', 'model.bin', 'sub'])
    expect(leftovers(parent)).toEqual([])
    // Again into the same (now full) folder: refused, the folder left as it is.
    const again = await resolveCli(['resolve', good, 'Production', '--download', dir], ws, env)
    expect(again.code).toBe(2)
    expect(again.stderr).toContain(`--download is '${dir}', which is not empty`)
    expect(readFileSync(path.join(dir, 'model.bin'))).toEqual(files['model.bin'])
  })

  it('refuses an artifact replaced in the artifact store: exit 1, no DIR, no temporary folder', async () => {
    const run = await fetch(`${mlflow.uri}/api/2.0/mlflow/runs/get?run_id=${runs.tampered}`).then(
      r => r.json() as Promise<{ run: { info: { experiment_id: string } } }>
    )
    const onDisk = path.join(
      artifactStore,
      run.run.info.experiment_id,
      runs.tampered!,
      'artifacts',
      'model',
      'model.bin'
    )
    expect(readFileSync(onDisk)).toEqual(files['model.bin'])
    writeFileSync(onDisk, 'weights of another model\n')
    const parent = mkdtempSync(path.join(OUTPUT, 'serving-dl-'))
    const dir = path.join(parent, 'model')
    const refused = await resolveCli(
      ['resolve', tampered, 'Production', '--download', dir],
      ws,
      env
    )
    expect(refused.code).toBe(1)
    expect(refused.stdout).toBe('')
    expect(refused.stderr).toContain('is not the one the audit trail approved')
    expect(refused.stderr).toContain(dvcDirMd5(files))
    expect(existsSync(dir)).toBe(false)
    expect(readdirSync(parent)).toEqual([])
    // An empty DIR given beforehand stays, empty.
    mkdirSync(dir)
    const intoEmpty = await resolveCli(
      ['resolve', tampered, 'Production', '--download', dir],
      ws,
      env
    )
    expect(intoEmpty.code).toBe(1)
    expect(readdirSync(dir)).toEqual([])
    expect(readdirSync(parent)).toEqual(['model'])
  })

  /**
   * A proxy in front of the real server that passes everything through except the artifact
   * files, of which it sends the headers and half the bytes, then stalls or cuts the connection.
   */
  async function artifactBreaker(mode: 'stall' | 'cut') {
    const upstream = new URL(mlflow.uri)
    const held: http.ServerResponse[] = []
    const server = http.createServer((req, res) => {
      const out = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers
        },
        answer => {
          const isFile = /^\/api\/2\.0\/mlflow-artifacts\/artifacts\/./.test(req.url ?? '')
          if (!isFile) {
            res.writeHead(answer.statusCode ?? 502, answer.headers)
            answer.pipe(res)
            return
          }
          const chunks: Buffer[] = []
          answer.on('data', (c: Buffer) => chunks.push(c))
          answer.on('end', () => {
            const body = Buffer.concat(chunks)
            res.writeHead(200, { 'content-length': String(body.length) })
            res.write(body.subarray(0, Math.ceil(body.length / 2)))
            if (mode === 'cut') res.destroy()
            else held.push(res)
          })
        }
      )
      req.pipe(out)
    })
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
    return {
      uri: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () =>
        new Promise<void>(r => {
          for (const res of held) res.destroy()
          server.closeAllConnections()
          server.close(() => r())
        })
    }
  }

  it('a transfer cut midway: exit 3 after the retries, nothing in DIR, no temporary folder', async () => {
    const breaker = await artifactBreaker('cut')
    try {
      const parent = mkdtempSync(path.join(OUTPUT, 'serving-dl-'))
      const dir = path.join(parent, 'model')
      const run = await resolveCli(['resolve', good, 'Production', '--download', dir], ws, {
        MLFLOW_TRACKING_URI: breaker.uri,
        MLFLOW_HTTP_REQUEST_MAX_RETRIES: '1',
        MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: '0.05'
      })
      expect(run.code).toBe(3)
      expect(run.stderr).toMatch(/Could not download artifact/)
      expect(readdirSync(parent)).toEqual([])
    } finally {
      await breaker.close()
    }
  })

  it('SIGINT during a stalled download: the bundled CLI removes its temporary folder and exits 130', async () => {
    const breaker = await artifactBreaker('stall')
    try {
      const parent = mkdtempSync(path.join(OUTPUT, 'serving-dl-'))
      const dir = path.join(parent, 'model')
      const child = spawn(
        process.execPath,
        [
          path.join(ROOT, 'dist', 'cli', 'index.js'),
          'resolve',
          good,
          'Production',
          '--download',
          dir
        ],
        {
          cwd: ws,
          env: { PATH: process.env.PATH, HOME: process.env.HOME, MLFLOW_TRACKING_URI: breaker.uri },
          stdio: ['ignore', 'pipe', 'pipe']
        }
      )
      let stderr = ''
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
      const exited = new Promise<number | null>(r => child.on('exit', code => r(code)))
      // Waits (bounded by the test's timeout) until half a file is on disk in the temporary folder.
      const partial = (): boolean =>
        leftovers(parent).some(temp =>
          readdirSync(path.join(parent, temp), { recursive: true }).some(f => {
            const stat = statSync(path.join(parent, temp, String(f)))
            return stat.isFile() && stat.size > 0
          })
        )
      for (;;) {
        try {
          if (partial()) break
        } catch {
          // a folder seen while it is created: look again
        }
        await new Promise(r => setTimeout(r, 50))
      }
      child.kill('SIGINT')
      expect(await exited).toBe(130)
      expect(stderr).toContain('interrupted: removed')
      expect(readdirSync(parent)).toEqual([])
    } finally {
      await breaker.close()
    }
  })

  it('both serving paths: the bundled CLI as an init container runs it, then two lines of Python load the model', async () => {
    const bundle = path.join(ROOT, 'dist', 'cli', 'index.js')
    const volume = mkdtempSync(path.join(OUTPUT, 'serving-volume-'))
    const modelDir = path.join(volume, 'current')
    const init = await new Promise<{ code: number; stdout: string; stderr: string }>(resolve =>
      execFile(
        process.execPath,
        [bundle, 'resolve', served, 'Production', '--download', modelDir],
        {
          cwd: ws,
          env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
          encoding: 'utf8',
          timeout: 120_000
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr })
      )
    )
    expect(init.stderr).toContain('verified')
    expect([init.code, init.stdout]).toEqual([0, `models:/${served}/1\n`])
    for (const [rel, sum] of Object.entries(trained.files))
      expect(md5(readFileSync(path.join(modelDir, rel)))).toBe(sum)
    // The serving container: no registry at serve time (the tracking URI points nowhere).
    const serve = spawnSync(
      PYTHON,
      [
        '-c',
        [
          'import json, os, sys, warnings; warnings.filterwarnings("ignore")',
          'import mlflow; model = mlflow.pyfunc.load_model(os.environ["MODEL_DIR"])',
          'print(json.dumps(model.predict(json.loads(sys.argv[1])).tolist()))'
        ].join('\n'),
        JSON.stringify(trained.rows)
      ],
      {
        encoding: 'utf8',
        env: { ...process.env, MODEL_DIR: modelDir, MLFLOW_TRACKING_URI: 'http://127.0.0.1:9' },
        timeout: 120_000
      }
    )
    expect(serve.stderr.split('\n').filter(l => /Error|Traceback/.test(l))).toEqual([])
    expect(JSON.parse(serve.stdout.trim().split('\n').pop()!)).toEqual(trained.predictions)
  })
})

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { runCli } from '../../../src/cli/main.js'
import { Masker } from '../../../src/cli/mask.js'
import { chain, event } from '../../harness/reconcile-helpers.js'

/**
 * Masking works on values, never on the CLI's own structure: a password `true` must not turn
 * `"in_sync": true` into `"in_sync": ***` (unparseable JSON), and a password `DRIFT` must not
 * blank the verdict. A registry stand-in answers with the holder `holder` set, and echoes the
 * password inside a user name, which must still be masked.
 */
let server: http.Server
let uri = ''
let holder = '1'
let echoed = ''
beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume()
    if (req.url?.includes('registered-models/get-latest-versions')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          model_versions: [
            {
              name: 'churn',
              version: holder,
              current_stage: 'Production',
              last_updated_timestamp: 1,
              user_id: `svc-${echoed}-bot`
            }
          ]
        })
      )
      return
    }
    res
      .writeHead(404, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'not found' }))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
})

function run(password: string, args: string[]) {
  echoed = password
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mg-mask-values-'))
  mkdirSync(path.join(dir, '.git'))
  writeFileSync(path.join(dir, 'AUDIT.log'), chain([event('churn', '1', 'Production')]).text)
  const out: string[] = []
  const err: string[] = []
  const io = {
    env: {
      MLFLOW_TRACKING_URI: uri,
      MLFLOW_TRACKING_USERNAME: 'bot',
      MLFLOW_TRACKING_PASSWORD: password,
      NO_COLOR: '1'
    },
    cwd: dir,
    stdout: { write: (t: string) => void out.push(t), isTTY: false },
    stderr: { write: (t: string) => void err.push(t) }
  }
  return runCli([...args, '--no-history'], io).then(code => ({
    code,
    stdout: out.join(''),
    stderr: err.join('')
  }))
}

describe('masking never corrupts JSON or verdict words', () => {
  it('a password `true`: --json stays valid JSON with its booleans, and the echo is masked', async () => {
    holder = '1'
    const r = await run('true', ['reconcile', '--json'])
    expect(r.code).toBe(0)
    const doc = JSON.parse(r.stdout) as { in_sync: unknown; targets: { in_sync: unknown }[] }
    expect(doc.in_sync).toBe(true)
    expect(doc.targets.some(t => t.in_sync === true)).toBe(true)
    expect(r.stderr).toMatch(/an MLflow credential is a word the CLI prints as a verdict/)
    // The warning does not print the credential it warns about.
    expect(r.stderr).not.toMatch(/password|'true'/)
  })

  it('a password `DRIFT`: the verdict stays, and the password inside other text is masked', async () => {
    holder = '2'
    const r = await run('DRIFT', ['reconcile'])
    expect(r.code).toBe(1)
    const row = r.stdout.split('\n').find(l => l.includes('stage Production'))!
    expect(row).toMatch(/^DRIFT +churn +stage Production +2 +1 /)
    expect(row).toContain('svc-***-bot')
    expect(r.stdout).not.toContain('svc-DRIFT-bot')
  })

  it('a password `DRIFT` in --json: the echo is masked inside strings, the document parses', async () => {
    holder = '2'
    const r = await run('DRIFT', ['status', 'churn', '--json'])
    expect(r.code).toBe(1)
    const doc = JSON.parse(r.stdout) as { in_sync: unknown }
    expect(doc.in_sync).toBe(false)
    expect(r.stdout).not.toContain('svc-DRIFT-bot')
  })
})

describe('Masker', () => {
  it('masks inside JSON strings and keys only, keeping literals, numbers and the layout', () => {
    const m = new Masker()
    m.add('true')
    m.add('12345')
    const doc = { in_sync: true, n: 12345, note: 'was true-12345', 'key-true!': null }
    const out = m.maskOutput(`${JSON.stringify(doc, null, 2)}\n`)
    expect(out.endsWith('}\n')).toBe(true)
    expect(JSON.parse(out)).toEqual({
      in_sync: true,
      n: 12345,
      note: 'was ***-***',
      'key-***!': null
    })
    expect(out).toContain('\n  "in_sync": true')
    expect(m.maskOutput('{"a":"true"}')).toBe('{"a":"true"}')
    expect(m.maskOutput('{"a":"untrue"}')).toBe('{"a":"un***"}')
  })

  it('keeps a verdict word only where it stands whole', () => {
    const m = new Masker()
    m.add('DRIFT')
    m.add('s3cr3t-DRIFT')
    expect(m.mask('DRIFT  churn  x-DRIFTy s3cr3t-DRIFT')).toBe('DRIFT  churn  x-***y ***')
    expect(m.verdictCollisions()).toEqual(['DRIFT'])
  })
})

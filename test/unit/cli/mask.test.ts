import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { runCli } from '../../../src/cli/main.js'
import { Masker } from '../../../src/cli/mask.js'
import { chain, event } from '../../harness/reconcile-helpers.js'

const PASSWORD = 'pw-Sup3rSecret-42'
const TOKEN = 'tok-abcdef-123456'

/** A tracking server that echoes the credentials it was sent, with terminal escapes, in its error. */
let server: http.Server
let uri = ''
beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume()
    const auth = req.headers.authorization ?? ''
    const decoded = auth.startsWith('Basic ')
      ? Buffer.from(auth.slice(6), 'base64').toString('utf8')
      : ''
    res.writeHead(400, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        error_code: 'BAD_REQUEST',
        message: `rejected header '${auth}' (${decoded}) \u001b]0;pwned\u0007\u001b[2J\u001b[31mred`
      })
    )
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
})

function capture(cwd: string, env: NodeJS.ProcessEnv) {
  const out: string[] = []
  const err: string[] = []
  return {
    io: {
      env,
      cwd,
      stdout: { write: (t: string) => void out.push(t), isTTY: false },
      stderr: { write: (t: string) => void err.push(t) }
    },
    all: () => out.join('') + err.join('')
  }
}

function repo(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mg-cli-mask-'))
  mkdirSync(path.join(dir, '.git'))
  writeFileSync(path.join(dir, 'AUDIT.log'), chain([event('churn', '1', 'Production')]).text)
  return dir
}

describe('the CLI masks what a server says', () => {
  it.each([
    [
      'basic auth',
      { MLFLOW_TRACKING_USERNAME: 'bot', MLFLOW_TRACKING_PASSWORD: PASSWORD },
      [PASSWORD, Buffer.from(`bot:${PASSWORD}`).toString('base64')]
    ],
    ['a token', { MLFLOW_TRACKING_TOKEN: TOKEN }, [TOKEN]]
  ])(
    'with %s: the echoed credential is *** on stdout and stderr, and terminal escapes are gone',
    async (_name, auth, secrets) => {
      for (const json of [false, true]) {
        const c = capture(repo(), { MLFLOW_TRACKING_URI: uri, ...auth })
        const code = await runCli(['status', 'churn', ...(json ? ['--json'] : [])], c.io)
        expect(code).not.toBe(0)
        const all = c.all()
        expect(all).toContain('BAD_REQUEST')
        expect(all).toContain('***')
        for (const secret of secrets) expect(all).not.toContain(secret)
        expect(all).not.toContain('\u001b')
        expect(all).not.toContain('\u0007')
      }
    }
  )

  it('masks a password given inside the tracking URI', async () => {
    const withUser = uri.replace('http://', `http://bot:${PASSWORD}@`)
    const c = capture(repo(), { MLFLOW_TRACKING_URI: withUser })
    await runCli(['status', 'churn'], c.io)
    expect(c.all()).not.toContain(PASSWORD)
    expect(c.all()).toContain('***')
  })

  it('escapes what it prints like the actions do, since the CLI also runs in workflow steps', () => {
    const written: string[] = []
    const io = new Masker().wrap({
      env: {},
      cwd: '/',
      stdout: { write: t => void written.push(t) },
      stderr: { write: t => void written.push(t) }
    })
    io.stdout.write('a\n::stop-commands::zzz\n')
    io.stderr.write('  ::error::x\n')
    expect(written).toEqual(['a\n\\::stop-commands::zzz\n', '\\  ::error::x\n'])
  })

  it('Masker replaces the longest secret first and ignores values too short to mask', () => {
    const masker = new Masker()
    masker.add('abc')
    masker.add('abcdef')
    masker.add('x')
    expect(masker.mask('abcdef abc x')).toBe('*** *** x')
  })
})

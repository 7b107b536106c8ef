import { beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { runCli } from '../../../src/cli/main.js'
import { seed, uniqueName } from '../../harness/python.js'
import { OUTPUT } from '../../harness/paths.js'
import { harness } from '../../harness/state.js'
import { chain, event } from '../../harness/reconcile-helpers.js'

/**
 * A model name given by hand that neither the real registry nor the audit trail knows is an
 * error (exit 1, naming the models the trail knows), never "in sync": a typo in a drift check
 * must not pass. A model that exists only in the registry is known, and compared as usual.
 */
describe('an unknown model, against the real registry', () => {
  const { mlflow } = harness()
  const audited = uniqueName('um-audited')
  const registeredOnly = uniqueName('um-registered')
  let dir: string

  function capture() {
    const out: string[] = []
    const err: string[] = []
    return {
      io: {
        env: { MLFLOW_TRACKING_URI: mlflow.uri, NO_COLOR: '1' },
        cwd: dir,
        stdout: { write: (t: string) => void out.push(t), isTTY: false },
        stderr: { write: (t: string) => void err.push(t) }
      },
      stdout: () => out.join(''),
      stderr: () => err.join('')
    }
  }

  beforeAll(() => {
    seed(mlflow.uri, [
      { op: 'run', experiment: 'unknown-model-it' },
      { op: 'register', name: audited, run: 0 },
      { op: 'register', name: registeredOnly, run: 0 }
    ])
    mkdirSync(path.join(OUTPUT, 'reconcile'), { recursive: true })
    dir = mkdtempSync(path.join(OUTPUT, 'reconcile', 'unknown-'))
    // The repository root the CLI reads AUDIT.log from (the history check is off: --no-history).
    mkdirSync(path.join(dir, '.git'))
    // The trail names the audited model in Staging, which the registry does not hold: drift for it
    // is not what these tests are about, so only other names are reconciled.
    writeFileSync(path.join(dir, 'AUDIT.log'), chain([event(audited, '1', 'Staging')]).text)
  })

  it.each([
    ['reconcile --model', ['reconcile', '--model', 'no-such-model', '--no-history']],
    ['status', ['status', 'no-such-model', '--no-history']],
    ['status --at', ['status', 'no-such-model', '--at', '2026-12-01', '--no-history']],
    ['resolve', ['resolve', 'no-such-model', 'Production', '--no-history']]
  ])('%s exits 1 and names the models the trail knows', async (_case, args) => {
    const c = capture()
    expect(await runCli(args, c.io)).toBe(1)
    expect(c.stderr()).toMatch(
      /Model 'no-such-model' is (neither in the registry at .* nor|not) in AUDIT\.log/
    )
    expect(c.stderr()).toContain(`The models AUDIT.log names: ${audited}`)
    expect(c.stdout()).not.toMatch(/in sync/i)
  })

  it('--json gives the error object, exit code 1, and suggests the name in another case', async () => {
    const c = capture()
    expect(
      await runCli(['reconcile', '--model', audited.toUpperCase(), '--json', '--no-history'], c.io)
    ).toBe(1)
    expect(JSON.parse(c.stdout())).toMatchObject({
      error: { exit_code: 1, message: expect.stringContaining(`Did you mean '${audited}'?`) }
    })
  })

  it('a model only the registry knows is compared as usual', async () => {
    const c = capture()
    expect(
      await runCli(['reconcile', '--model', registeredOnly, '--json', '--no-history'], c.io)
    ).toBe(0)
    expect(JSON.parse(c.stdout())).toMatchObject({ in_sync: true, models: [registeredOnly] })
  })
})

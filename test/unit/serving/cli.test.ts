import { describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from '../../../src/cli/args.js'
import { runCli } from '../../../src/cli/main.js'

async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 's3rs-cli-'))
  mkdirSync(path.join(dir, '.git'))
  writeFileSync(path.join(dir, 'AUDIT.log'), '')
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(args, {
    env,
    cwd: dir,
    stdout: { write: t => void out.push(t) },
    stderr: { write: t => void err.push(t) }
  })
  return { code, stdout: out.join(''), stderr: err.join('') }
}

describe('the resolve command line', () => {
  it('parses <model> <stage|alias> and --download', () => {
    expect(parseArgs(['resolve', 'churn', 'champion', '--download=/models/current'])).toMatchObject(
      {
        command: 'resolve',
        positionals: ['churn', 'champion'],
        download: '/models/current'
      }
    )
  })

  it('names what is missing or wrong, with exit 2', async () => {
    const missing = await run(['resolve', 'churn'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain("'resolve' needs <model> <stage|alias>")
    const empty = await run(['resolve', 'churn', 'Production', '--download'])
    expect(empty.stderr).toContain('Option --download needs a value')
    const control = await run(['resolve', 'churn', 'Production', '--download', 'a\nb'])
    expect(control.stderr).toContain('Option --download holds a control character')
    const none = await run(['resolve', 'churn', 'None'], {
      MLFLOW_TRACKING_URI: 'http://127.0.0.1:9'
    })
    expect([none.code, none.stderr]).toEqual([2, expect.stringContaining("MLflow's None stage")])
    const unset = await run(['resolve', 'churn', 'Production', '--json'])
    expect(unset.code).toBe(2)
    expect(JSON.parse(unset.stdout)).toMatchObject({ error: { exit_code: 2 } })
  })
})

import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { EntryFields } from '../../../src/audit/format.js'
import { ActionError } from '../../../src/core/errors.js'
import { MemoryLogger } from '../../../src/core/logger.js'
import { runContext } from '../../../src/github/context.js'
import { reconcileOutputs } from '../../../actions/reconcile/outputs.js'
import { runReconcile } from '../../../src/reconcile/run.js'
import {
  chain,
  event,
  FakeReader,
  STAGES_POLICY,
  version
} from '../../harness/reconcile-helpers.js'

function setup(
  registryProduction: string,
  options: { failOnDrift: boolean; recordDrift: boolean; models?: string[] }
) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mg-mode-'))
  const full = path.join(dir, 'AUDIT.log')
  writeFileSync(full, chain([event('churn', '1', 'Production')]).text)
  const outputs: Record<string, unknown> = {}
  const summary: string[] = []
  const recorded: EntryFields[] = []
  const logger = new MemoryLogger()
  // As the reconcile action maps the result: outputs and summary first, then the failure.
  const run = async () => {
    const result = await runReconcile(
      { file: { full, label: 'AUDIT.log' }, models: [], ...options },
      {
        registry: new FakeReader({
          churn: { versions: [version('churn', registryProduction, 'Production')] }
        }),
        policyFor: () => STAGES_POLICY,
        logger,
        clock: { now: () => Date.UTC(2026, 10, 26, 7), sleep: () => Promise.resolve() },
        run: runContext({ GITHUB_ACTOR: 'cron' }),
        gitCommit: () => Promise.resolve('c'.repeat(40)),
        record: (fields: EntryFields) => {
          recorded.push(fields)
          return Promise.resolve({ seq: 1 + recorded.length, commitSha: 'd'.repeat(40) })
        }
      }
    )
    Object.assign(outputs, reconcileOutputs(result))
    summary.push(result.summary)
    if (result.driftError) throw result.driftError
    return result.report
  }
  return { run, outputs, summary, recorded, logger }
}

describe('runReconcile', () => {
  it('in sync: outputs true and an empty findings list, records nothing, does not fail', async () => {
    const s = setup('1', { failOnDrift: true, recordDrift: true })
    await s.run()
    expect(s.outputs).toEqual({ 'in-sync': true, findings: '[]' })
    expect(s.recorded).toEqual([])
    expect(s.summary.join('')).toContain('**In sync**')
  })

  it('drift with record-drift: appends one drift-detected event per finding, then fails', async () => {
    const s = setup('2', { failOnDrift: true, recordDrift: true })
    const error = await s.run().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ActionError)
    expect((error as Error).message).toMatch(
      /^1 registry target\(s\) changed outside the audit trail: churn stage Production \(registry 2, audited 1\)/
    )
    expect(s.outputs['in-sync']).toBe(false)
    expect(JSON.parse(String(s.outputs.findings))).toMatchObject([
      { model: 'churn', target: 'Production', registry_version: '2', audited_version: '1' }
    ])
    expect(s.recorded).toMatchObject([
      {
        event: 'drift-detected',
        outcome: 'failure',
        version: '2',
        previous_version: '1',
        actor: 'cron',
        git_commit: 'c'.repeat(40)
      }
    ])
    expect(s.summary.join('')).toContain(
      'Recorded 1 drift-detected event(s) in AUDIT.log: line 2 (dddddddddddd)'
    )
    expect(s.logger.messages('warning')[0]).toContain(
      "stage 'Production' of 'churn' is held by v2 in the registry"
    )
  })

  it('drift with fail-on-drift false and no record-drift: reports only', async () => {
    const s = setup('2', { failOnDrift: false, recordDrift: false })
    const report = await s.run()
    expect(report.inSync).toBe(false)
    expect(s.recorded).toEqual([])
    expect(s.summary.join('')).toContain('Set `record-drift: true`')
  })

  it('a model-name neither the registry nor the log knows fails the run, naming the known ones', async () => {
    const s = setup('1', { failOnDrift: true, recordDrift: true, models: ['chrun'] })
    const error = await s.run().then(
      () => undefined,
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(ActionError)
    expect((error as Error).message).toBe(
      "Model 'chrun' is neither in the registry at http://fake nor in AUDIT.log, so there is nothing to compare. The models AUDIT.log names: churn"
    )
    expect(s.outputs).toEqual({})
    expect(s.recorded).toEqual([])
  })
})

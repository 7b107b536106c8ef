import { beforeAll, describe, expect, it } from '@jest/globals'
import path from 'node:path'
import { readFileSync, writeFileSync } from 'node:fs'
import { silentLogger } from '../../../src/core/logger.js'
import { createMlflowClient } from '../../../src/mlflow/index.js'
import { loadVerifiedEntries } from '../../../src/reconcile/audit-source.js'
import { policyResolver } from '../../../src/policy/index.js'
import { reconcile } from '../../../src/reconcile/reconcile.js'
import { dumpModels, seed, uniqueName } from '../../harness/python.js'
import { harness } from '../../harness/state.js'
import {
  errorSchema,
  historySchema,
  reconcileSchema,
  statusSchema,
  verifySchema
} from './cli-schemas.js'
import { cli, LINEAGE, promoteAndAudit, workspace } from './fixtures.js'

interface Dumped {
  aliases: Record<string, string>
  versions: { version: string; stage: string; last_updated_timestamp: number }[]
}

/**
 * The scenario against the real server: three models changed only through the
 * promote-model and audit-log bundles, then a stage moved (one model) and an alias moved
 * (another) through MLflow's Python client, as a person with EDIT would. Reconcile must find
 * exactly those two, and the CLI must show them end to end.
 */
describe('reconcile against the real registry and a real audit log', () => {
  const { mlflow } = harness()
  const env = { MLFLOW_TRACKING_URI: mlflow.uri }
  const clean = uniqueName('rc-clean')
  const stageMoved = uniqueName('rc-stage')
  const aliasMoved = uniqueName('rc-alias')
  let ws: string
  let dumped: Record<string, Dumped>

  const domainReconcile = async () => {
    const entries = await loadVerifiedEntries(path.join(ws, 'AUDIT.log'), 'AUDIT.log')
    const registry = createMlflowClient(
      { 'tracking-uri': mlflow.uri },
      {},
      silentLogger,
      () => undefined
    )
    return reconcile(entries, {
      registry,
      policyFor: policyResolver({ workspace: ws, logger: silentLogger })
    })
  }

  beforeAll(async () => {
    ws = workspace('drift')
    seed(mlflow.uri, [
      { op: 'run', experiment: 'reconcile-it' },
      ...[clean, stageMoved, aliasMoved].flatMap(name => [
        { op: 'register', name, run: 0 },
        { op: 'register', name, run: 0 }
      ])
    ])
    await promoteAndAudit(ws, mlflow.uri, [
      [clean, '1', 'Staging', 'None'],
      [stageMoved, '1', 'Production', 'None', { 'allow-skip': 'true' }],
      [aliasMoved, '1', 'Production', 'None', { 'allow-skip': 'true' }]
    ])
    await promoteAndAudit(ws, mlflow.uri, [[clean, '1', 'Production', 'Staging']])
    await promoteAndAudit(ws, mlflow.uri, [[clean, '2', 'Staging', 'None']])
  })

  it('finds nothing on a registry changed only through promote-model', async () => {
    const report = await domainReconcile()
    expect(report.findings).toEqual([])
    expect(report.inSync).toBe(true)
    expect(report.models).toEqual([clean, stageMoved, aliasMoved])
    const cleanRows = report.rows
      .filter(r => r.model === clean)
      .map(r => [`${r.target.kind}:${r.target.name}`, r.registryVersion, r.auditedVersion])
    expect(cleanRows).toEqual([
      ['alias:development', null, null],
      ['stage:Staging', '2', '2'],
      ['alias:challenger', '2', '2'],
      ['stage:Production', '1', '1'],
      ['alias:champion', '1', '1']
    ])
    const run = await cli(['reconcile', '--json'], { cwd: ws, env })
    expect(run.code).toBe(0)
    expect(reconcileSchema.parse(JSON.parse(run.stdout))).toMatchObject({
      in_sync: true,
      findings: []
    })
  })

  describe("after a stage and an alias are moved through MLflow's Python client", () => {
    beforeAll(() => {
      seed(mlflow.uri, [
        { op: 'transition', name: stageMoved, version: '2', stage: 'Production', archive: true },
        { op: 'alias', name: aliasMoved, alias: 'champion', version: '2' }
      ])
      dumped = dumpModels(mlflow.uri, [stageMoved, aliasMoved]) as Record<string, Dumped>
    })

    it("finds exactly those two, with the registry's timestamp", async () => {
      const report = await domainReconcile()
      const lastUpdated = (model: string, version: string) =>
        dumped[model]!.versions.find(v => v.version === version)!.last_updated_timestamp
      expect(report.findings).toEqual([
        {
          model: stageMoved,
          kind: 'stage',
          target: 'Production',
          registry_version: '2',
          audited_version: '1',
          last_updated_timestamp: lastUpdated(stageMoved, '2'),
          last_updated: new Date(lastUpdated(stageMoved, '2')).toISOString(),
          user_id: null,
          audit_seq: 2
        },
        {
          model: aliasMoved,
          kind: 'alias',
          target: 'champion',
          registry_version: '2',
          audited_version: '1',
          last_updated_timestamp: lastUpdated(aliasMoved, '2'),
          last_updated: new Date(lastUpdated(aliasMoved, '2')).toISOString(),
          user_id: null,
          audit_seq: 3
        }
      ])
      // The Python client really did what the findings say.
      expect(dumped[stageMoved]!.versions.map(v => v.stage)).toEqual(['Archived', 'Production'])
      expect(dumped[aliasMoved]!.aliases).toEqual({ champion: '2' })
    })

    it('CLI reconcile: exit 1, the same findings as JSON, and an aligned table without colour off a terminal', async () => {
      const [json, table] = await Promise.all([
        cli(['reconcile', '--json'], { cwd: ws, env }),
        cli(['reconcile'], { cwd: ws, env })
      ])
      expect(json.code).toBe(1)
      const doc = reconcileSchema.parse(JSON.parse(json.stdout))
      expect(
        doc.findings.map(f => [f.model, f.kind, f.target, f.registry_version, f.audited_version])
      ).toEqual([
        [stageMoved, 'stage', 'Production', '2', '1'],
        [aliasMoved, 'alias', 'champion', '2', '1']
      ])
      expect(doc.registry).toBe(new URL(mlflow.uri).origin)
      expect(table.code).toBe(1)
      expect(table.stdout).not.toContain('\u001b[')
      const lines = table.stdout.split('\n')
      expect(lines[0]).toMatch(
        /^STATUS +MODEL +TARGET +REGISTRY +AUDITED +REGISTRY LAST UPDATED +REGISTRY USER$/
      )
      const drift = lines.filter(l => l.startsWith('DRIFT'))
      expect(drift).toHaveLength(2)
      expect(drift[0]).toMatch(new RegExp(`^DRIFT +${stageMoved} +stage Production +2 +1 +\\d{4}-`))
      // Aligned: every row's MODEL column starts where the header's does.
      const column = lines[0]!.indexOf('MODEL')
      for (const line of lines.filter(l => /^(DRIFT|in sync) /.test(l)))
        expect([line[column - 1], line[column] !== ' ']).toEqual([' ', true])
      expect(table.stdout).toContain('Drift: 2 target(s) changed outside the audit trail')
    })

    it('CLI status flags the moved stage and shows who promoted the rest, from the audit log', async () => {
      const run = await cli(['status', stageMoved, '--json'], { cwd: ws, env })
      expect(run.code).toBe(1)
      const doc = statusSchema.parse(JSON.parse(run.stdout))
      const byTarget = Object.fromEntries(doc.targets.map(t => [`${t.kind}:${t.target}`, t]))
      expect(byTarget['stage:Production']).toMatchObject({
        version: '2',
        audited_version: '1',
        drift: true,
        source: 'none',
        promoted_by: null
      })
      expect(byTarget['alias:champion']).toMatchObject({
        version: '1',
        drift: false,
        source: 'audit-log',
        promoted_by: 'octocat',
        approved_by: [],
        reason: `release ${stageMoved} v1 to Production`,
        run_url: 'https://github.com/acme/models/actions/runs/5150/attempts/1',
        lock_sha256: LINEAGE['lock-sha256'],
        model_md5: LINEAGE['model-md5'],
        audit_seq: 2
      })
      const human = await cli(['status', clean], { cwd: ws, env })
      expect(human.code).toBe(0)
      // LVL is ? (the fixture's entry records no level: written before levels), DATA the
      // recorded dvc.lock sha256, COMMIT the run's GITHUB_SHA (fixtures.ts).
      expect(human.stdout).toMatch(
        /^stage Production +1 +\d{4}-\d\d-\d\d +(\S+ +)?\? +d{8} +feedface +ok$/m
      )
      expect(human.stdout).toContain('every stage and alias holds what AUDIT.log says')
    })

    it('CLI history and verify-audit read the same real file', async () => {
      const [history, verify] = await Promise.all([
        cli(['history', clean, '--json'], { cwd: path.join(ws, '.github'), env }),
        cli(['verify-audit', '--json'], { cwd: ws, env: {} })
      ])
      expect(history.code).toBe(0)
      const doc = historySchema.parse(JSON.parse(history.stdout))
      expect(doc.events.map(e => [e.seq, e.version, e.to])).toEqual([
        [1, '1', 'Staging'],
        [4, '1', 'Production'],
        [5, '2', 'Staging']
      ])
      const onDisk = readFileSync(path.join(ws, 'AUDIT.log'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map(line => JSON.parse(line) as Record<string, unknown>)
      expect(verify.code).toBe(0)
      expect(verifySchema.parse(JSON.parse(verify.stdout))).toMatchObject({
        valid: true,
        entries: onDisk.length,
        first_bad_line: null
      })
    })
  })
})

describe("the CLI on the basic-auth server reads MLflow's credential variables", () => {
  const { auth } = harness()
  const model = uniqueName('rc-auth')
  const uri = { MLFLOW_TRACKING_URI: auth.uri }

  it('answers with the admin credentials from the environment, and exits 3 on a wrong password without printing it', async () => {
    const ws = workspace('auth')
    writeFileSync(path.join(ws, 'AUDIT.log'), '')
    const [ok, denied] = await Promise.all([
      cli(['status', model, '--json'], {
        cwd: ws,
        env: {
          ...uri,
          MLFLOW_TRACKING_USERNAME: auth.admin.username,
          MLFLOW_TRACKING_PASSWORD: auth.admin.password
        }
      }),
      cli(['status', model, '--json'], {
        cwd: ws,
        env: {
          ...uri,
          MLFLOW_TRACKING_USERNAME: auth.admin.username,
          MLFLOW_TRACKING_PASSWORD: 'wrong-password'
        }
      })
    ])
    // With the admin's credentials the registry answers: a model nobody registered is then an
    // error naming what the registry and the trail know (not "in sync"), exit 1, not 3.
    expect(ok.code).toBe(1)
    expect(ok.stderr).toMatch(/^note: AUDIT\.log: Trust: /)
    expect(ok.stderr).toContain(`Model '${model}' is neither in the registry at`)
    expect(errorSchema.parse(JSON.parse(ok.stdout)).error.exit_code).toBe(1)
    expect(denied.code).toBe(3)
    expect(errorSchema.parse(JSON.parse(denied.stdout)).error.message).toMatch(/^UNAUTHENTICATED/)
    expect(denied.stdout + denied.stderr).not.toContain('wrong-password')
  })
})

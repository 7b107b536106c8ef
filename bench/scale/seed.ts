// Seeds the bench registry through MLflow's REST API and writes, per N, a workspace whose
// AUDIT.log names the first N models, so the registry and the log agree (in sync).
import { execFileSync } from 'node:child_process'
import { event } from '../../test/harness/reconcile-helpers.js'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { formatLine, GENESIS_PREV, sha256Hex, type EntryFields } from '../../src/audit/format.js'
import { mapConcurrent } from '../../src/core/concurrency.js'
import { MemoryLogger } from '../../src/core/logger.js'
import { createMlflowClient, type MlflowClient } from '../../src/mlflow/index.js'

/**
 * Stages mode plus one alias: each model has 3 targets, Staging and Production (one
 * get-latest-versions call answers both) and the alias `champion` (one alias GET), which the log
 * moves with `to: alias:champion`.
 */
export const SCALE_POLICY = `registry: { mode: stages }
stages:
  - name: Development
  - name: Staging
  - name: Production
`
export const TARGETS_PER_MODEL = 3

/** What every command of the bench gets: the registry and a workspace whose log names `models`. */
export interface SeededRegistry {
  uri: string
  /** The repository holding .github/model-governance.yml and AUDIT.log (pass as --repo). */
  repo: string
  /** The models the audit log names, in log order (the first N of the registry's). */
  models: string[]
  /** Models registered on the server (at least models.length). */
  registered: number
}

export const modelName = (i: number): string => `scale-${String(i).padStart(4, '0')}`

/**
 * Registers `total` models, each with v1 in Production (alias champion) and v2 in Staging: six
 * writes a model, SEED_CONCURRENCY models at a time (seeding 1,000 models one by one took minutes).
 */
const SEED_CONCURRENCY = 16

export async function seedRegistry(uri: string, total: number): Promise<void> {
  const client: MlflowClient = createMlflowClient(
    { 'tracking-uri': uri },
    {},
    new MemoryLogger(),
    () => undefined
  )
  const indexes = Array.from({ length: total }, (_, i) => i)
  await mapConcurrent(indexes, SEED_CONCURRENCY, async i => {
    const name = modelName(i)
    await client.createRegisteredModel(name)
    for (const v of ['1', '2'])
      await client.createModelVersion({ name, source: `s3://bench-models/${name}/v${v}` })
    await client.transitionStage(name, '1', 'Production', false)
    await client.transitionStage(name, '2', 'Staging', false)
    await client.setAlias(name, 'champion', '1')
  })
  await client.http.close()
}

function entry(model: string, version: string, to: string, i: number): EntryFields {
  return event(model, version, to, {
    ts: new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString(),
    reason: `bench: ${model} v${version} to ${to}`,
    repository: 'acme-ml/models',
    run_id: String(1000 + i),
    run_url: `https://github.com/acme-ml/models/actions/runs/${1000 + i}/attempts/1`
  })
}

/** A workspace for the first `n` models: the policy and a chained AUDIT.log of 3 entries each. */
export function writeWorkspace(
  base: string,
  uri: string,
  n: number,
  registered: number
): SeededRegistry {
  const repo = path.join(base, `n${n}`)
  rmSync(repo, { recursive: true, force: true })
  mkdirSync(repo, { recursive: true })
  // A repository root of its own, so --repo does not resolve to the checkout above it.
  execFileSync('git', ['init', '--quiet', repo])
  mkdirSync(path.join(repo, '.github'), { recursive: true })
  writeFileSync(path.join(repo, '.github', 'model-governance.yml'), SCALE_POLICY)
  const models = Array.from({ length: n }, (_, i) => modelName(i))
  let prev = GENESIS_PREV
  const lines: string[] = []
  for (const model of models) {
    for (const [version, to] of [
      ['1', 'Production'],
      ['2', 'Staging'],
      ['1', 'alias:champion']
    ] as const) {
      const line = formatLine(entry(model, version, to, lines.length), lines.length + 1, prev)
      prev = sha256Hex(line)
      lines.push(line)
    }
  }
  writeFileSync(path.join(repo, 'AUDIT.log'), lines.map(l => `${l}\n`).join(''))
  return { uri, repo, models, registered }
}

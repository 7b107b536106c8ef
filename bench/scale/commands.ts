// The commands the scale bench times, each one entry taking the seeded registry. Adding a
// command (e.g. `resolve`) is one more entry in SCALE_COMMANDS.
import { runCli } from '../../src/cli/main.js'
import { mapConcurrent } from '../../src/core/concurrency.js'
import { RECONCILE_CONCURRENCY } from '../../src/reconcile/reconcile.js'
import type { SeededRegistry } from './seed.js'

export interface ScaleCommand {
  name: string
  /** How many models one run covers: all N (reconcile) or a fixed sample (per-model commands). */
  models: (reg: SeededRegistry) => string[]
  /** Runs the command once over those models; throws unless it says what the seed implies. */
  run: (reg: SeededRegistry, models: string[]) => Promise<void>
  /** The physical floor for the same models: the raw REST reads the command needs. */
  floor: (reg: SeededRegistry, models: string[]) => Promise<void>
}

/** The CLI in process, as a user runs it; stdout is the result, kept to check it. */
export async function cli(
  reg: SeededRegistry,
  argv: string[]
): Promise<{ code: number; out: string }> {
  let out = ''
  let err = ''
  const code = await runCli([...argv, '--repo', reg.repo, '--no-history', '--json'], {
    env: { MLFLOW_TRACKING_URI: reg.uri, NO_COLOR: '1' },
    cwd: reg.repo,
    stdout: { write: text => void (out += text) },
    stderr: { write: text => void (err += text) }
  })
  if (code !== 0)
    throw new Error(
      `model-governance ${argv.join(' ')} exited ${code}: ${err}${out.slice(0, 2000)}`
    )
  return { code, out }
}

/**
 * What reconcile and status read per model: get-latest-versions for Staging and Production in
 * one POST, and the alias GET, at the same time; with plain fetch, no checks, no retries.
 */
export async function rawReads(uri: string, model: string): Promise<void> {
  const api = `${uri}/api/2.0/mlflow/registered-models`
  const [latest, alias] = await Promise.all([
    fetch(`${api}/get-latest-versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: model, stages: ['Staging', 'Production'] })
    }),
    fetch(`${api}/alias?name=${encodeURIComponent(model)}&alias=champion`)
  ])
  await Promise.all([latest.arrayBuffer(), alias.arrayBuffer()])
  if (!latest.ok || !alias.ok)
    throw new Error(`raw reads of ${model}: ${latest.status} ${alias.status}`)
}

/** Per-model commands are timed on this many models, spread over the N (one call each). */
export const SAMPLE = 20

const sample = (reg: SeededRegistry): string[] => {
  const step = Math.max(1, Math.floor(reg.models.length / SAMPLE))
  return reg.models.filter((_, i) => i % step === 0).slice(0, SAMPLE)
}

export const SCALE_COMMANDS: ScaleCommand[] = [
  {
    name: 'reconcile',
    models: reg => reg.models,
    run: async reg => {
      const { out } = await cli(reg, ['reconcile'])
      const doc = JSON.parse(out) as { in_sync: boolean; targets: unknown[] }
      if (!doc.in_sync || doc.targets.length !== reg.models.length * 3)
        throw new Error(
          `reconcile: expected ${reg.models.length * 3} targets in sync, got ${doc.targets.length}, in_sync ${doc.in_sync}`
        )
    },
    // Same concurrency as reconcile: the floor is the registry's, not a different schedule.
    floor: async (reg, models) => {
      await mapConcurrent(models, RECONCILE_CONCURRENCY, m => rawReads(reg.uri, m))
    }
  },
  {
    name: 'status',
    models: sample,
    run: async (reg, models) => {
      for (const model of models) {
        const { out } = await cli(reg, ['status', model])
        const doc = JSON.parse(out) as { in_sync: boolean }
        if (!doc.in_sync) throw new Error(`status ${model}: not in sync`)
      }
    },
    floor: async (reg, models) => {
      for (const model of models) await rawReads(reg.uri, model)
    }
  },
  {
    // One target per call: resolve reads only the holder it is asked for (one request).
    name: 'resolve',
    models: sample,
    run: async (reg, models) => {
      for (const model of models) {
        const { out } = await cli(reg, ['resolve', model, 'Production'])
        const doc = JSON.parse(out) as { in_sync: boolean; uri: string | null }
        if (!doc.in_sync || !doc.uri) throw new Error(`resolve ${model}: not governed`)
      }
    },
    floor: async (reg, models) => {
      for (const model of models) await rawReads(reg.uri, model)
    }
  }
]

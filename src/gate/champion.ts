import { problemWith, type Subject } from '../core/errors.js'
import { MLFLOW_STAGES, type MlflowStage, type ModelVersion } from '../mlflow/index.js'
import type { MetricsClient } from './mlflow-sources.js'

export type ChampionRef =
  | { kind: 'stage'; stage: MlflowStage; text: string }
  | { kind: 'alias'; alias: string; text: string }
  | { kind: 'version'; version: string; text: string }

/** Parses `stage:Production`, `alias:<name>` or a version number; `where` names the input or policy key. */
export function parseCompareTo(text: string, where: Subject): ChampionRef {
  const value = text.trim()
  if (/^\d+$/.test(value)) return { kind: 'version', version: String(Number(value)), text: value }
  const match = /^(stage|alias)\s*:\s*(.+)$/i.exec(value)
  if (match) {
    const target = match[2]!.trim()
    if (match[1]!.toLowerCase() === 'alias') {
      if (/^[\w-]+$/.test(target)) return { kind: 'alias', alias: target, text: value }
    } else {
      const stage = MLFLOW_STAGES.find(s => s.toLowerCase() === target.toLowerCase())
      if (stage) return { kind: 'stage', stage, text: value }
      if (target.toLowerCase() === 'development')
        return { kind: 'stage', stage: 'None', text: value }
      throw problemWith(
        where,
        `is '${value}', but '${target}' is not an MLflow stage (${MLFLOW_STAGES.join(', ')}); for a custom stage use alias:<its alias>`
      )
    }
  }
  throw problemWith(
    where,
    `is '${value}'; use stage:Production, alias:<name> or a version number such as 3`
  )
}

/** The champion's model version, or undefined when nothing holds that stage or alias yet. */
export async function resolveChampion(
  client: MetricsClient,
  model: string,
  ref: ChampionRef
): Promise<ModelVersion | undefined> {
  if (ref.kind === 'version') return client.getModelVersion(model, ref.version)
  if (ref.kind === 'alias') return client.getVersionByAlias(model, ref.alias)
  const holders = await client.getLatestVersions(model, [ref.stage])
  return holders.find(v => v.current_stage === ref.stage)
}

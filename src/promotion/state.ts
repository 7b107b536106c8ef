import type { ModelVersion } from '../mlflow/index.js'
import { allVersions } from './resolve-version.js'
import { moveLabel, type Move, type Registry, type VersionSnapshot } from './types.js'

/** Who holds each target: the versions in a stage, or the version an alias points at. */
export interface TargetState {
  move: Move
  holders: string[]
}

const numeric = (a: string, b: string): number => Number(a) - Number(b)

/**
 * Reads the holders of every target. Stage holders come from a version search (stages are not
 * filterable, and search results carry no aliases, so aliases are read with the alias GET).
 */
export async function readTargets(
  registry: Registry,
  model: string,
  moves: Move[]
): Promise<TargetState[]> {
  const needsSearch = moves.some(m => m.kind === 'stage')
  const [versions, ...aliases] = await Promise.all([
    needsSearch ? allVersions(registry, model) : Promise.resolve<ModelVersion[]>([]),
    ...moves.map(m =>
      m.kind === 'alias' ? registry.getVersionByAlias(model, m.alias) : Promise.resolve(undefined)
    )
  ])
  return moves.map((move, i) => {
    if (move.kind === 'stage') {
      return {
        move,
        holders: versions
          .filter(v => v.current_stage === move.stage)
          .map(v => v.version)
          .sort(numeric)
      }
    }
    const holder = aliases[i]
    return { move, holders: holder ? [holder.version] : [] }
  })
}

/** True when the version already holds the target exactly as the move would leave it. */
export function holdsTarget(state: TargetState, version: string): boolean {
  if (!state.holders.includes(version)) return false
  if (state.move.kind === 'stage' && state.move.archiveExisting) return state.holders.length === 1
  return true
}

export function describeTargets(states: TargetState[]): string {
  return states
    .map(({ move, holders }) => {
      if (move.kind === 'alias') {
        return holders[0]
          ? `alias '${move.alias}' points at version ${holders[0]}`
          : `alias '${move.alias}' is not set`
      }
      if (holders.length === 0) return `no version is in ${moveLabel(move)}`
      return `${moveLabel(move)} is held by version${holders.length > 1 ? 's' : ''} ${holders.join(', ')}`
    })
    .join('; ')
}

export async function snapshot(
  registry: Registry,
  model: string,
  versions: string[]
): Promise<VersionSnapshot[]> {
  const unique = [...new Set(versions)].sort(numeric)
  const read = await Promise.all(unique.map(v => registry.getModelVersion(model, v)))
  return read.map(v => ({
    version: v.version,
    stage: v.current_stage,
    aliases: [...v.aliases].sort()
  }))
}

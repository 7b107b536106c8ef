import { ConfigurationError } from '../core/errors.js'
import type { Policy } from '../policy/index.js'
import { entryMoves, type Target } from '../reconcile/targets.js'

/**
 * The one target `resolve` answers for, spelled as audit entries spell `to` (reconcile's
 * targets.ts): `Production` or `stage:Production` is the stage (in the `aliases` mode, the
 * stage's alias, which is what that mode governs); `champion` or `alias:champion` is the alias.
 * MLflow's None and Archived stages are refused: every new version lands in None by
 * registration, and Archived is a way out, so neither names a governed holder.
 */
export function resolveTargetSpec(text: string, policy: Policy): Target {
  const spelled = text.trim()
  const moves = entryMoves(spelled, policy)
  const target = moves[0]
  if (spelled === '' || !target) {
    throw new ConfigurationError(
      `The target '${spelled}' names no stage or alias; give a stage of the policy (e.g. Production, stage:Production) or an alias (e.g. champion, alias:champion)`
    )
  }
  if (target.kind === 'stage' && (target.name === 'None' || target.name === 'Archived')) {
    throw new ConfigurationError(
      `The target '${spelled}' is MLflow's ${target.name} stage, which holds no governed version (${
        target.name === 'None'
          ? 'every new registration lands there'
          : 'it is where versions leave to'
      }); resolve a stage the policy promotes to, such as Production, or an alias`
    )
  }
  return target
}

import { ConfigurationError, FieldError } from '../core/errors.js'
import { MLFLOW_STAGES, type MlflowStage } from '../mlflow/index.js'
import { findStage, mlflowStageFor, type Policy, type StagePolicy } from '../policy/index.js'
import type { Move } from './types.js'

/** Stages where MLflow accepts archive_existing_versions=true; for None and Archived it answers a fatal 500. */
const ACTIVE_STAGES: MlflowStage[] = ['Staging', 'Production']

export interface TargetInputs {
  stage?: string | undefined
  alias?: string | undefined
  archiveExisting: boolean
}

export interface Targets {
  /** The policy stage named by the `stage` input (or matched by the alias), when there is one. */
  policyStage?: StagePolicy
  /** The stage as the user means it: MLflow's spelling when it maps to one, else the policy name. */
  stageName?: string
  moves: Move[]
}

/** The alias a policy stage moves in `aliases` and `both` modes: its own `alias`, else its name lower-cased. */
export function stageAlias(stage: StagePolicy): string {
  return stage.alias ?? stage.name.toLowerCase()
}

/**
 * Turns the stage/alias inputs and the policy's registry mode into registry moves. The stage
 * move always comes first, so a registry that rejects the stage API fails before any alias moves.
 */
export function planTargets(policy: Policy, input: TargetInputs): Targets {
  const stageInput = input.stage?.trim()
  const aliasInput = input.alias?.trim()
  if (!stageInput && !aliasInput) {
    throw new ConfigurationError(
      "Inputs 'stage' and 'alias' are both empty; set at least one of them"
    )
  }
  const moves: Move[] = []
  const targets: Targets = { moves }
  if (stageInput) {
    const policyStage = findStage(policy, stageInput)
    const mlflowStage =
      mlflowStageFor(stageInput) ?? (policyStage ? mlflowStageFor(policyStage.name) : undefined)
    if (!policyStage && !mlflowStage) {
      throw new FieldError(
        'stage',
        `is '${stageInput}', which is neither an MLflow stage nor a stage of the policy; ` +
          `use one of: ${[...new Set([...policy.stages.map(s => s.name), ...MLFLOW_STAGES])].join(', ')}`
      )
    }
    if (policyStage) targets.policyStage = policyStage
    targets.stageName = mlflowStage ?? policyStage!.name
    const useStageApi = policy.mode !== 'aliases'
    const useAlias = policy.mode !== 'stages'
    if (useStageApi) {
      if (!mlflowStage) {
        throw new FieldError(
          'stage',
          `is '${stageInput}', a policy stage with no MLflow stage; MLflow can record it only as an alias: ` +
            'set registry.mode: aliases (or both) in the policy file'
        )
      }
      moves.push({
        kind: 'stage',
        stage: mlflowStage,
        archiveExisting: input.archiveExisting && ACTIVE_STAGES.includes(mlflowStage)
      })
    }
    if (useAlias) {
      if (!policyStage || mlflowStage === 'Archived') {
        if (!useStageApi) {
          throw new FieldError(
            'stage',
            `is '${stageInput}', which has no alias in registry.mode: aliases; ` +
              'name a stage of the policy, or set the alias input instead'
          )
        }
      } else {
        moves.push({ kind: 'alias', alias: stageAlias(policyStage) })
      }
    }
  }
  if (aliasInput) {
    if (/^(latest|v\d+)$/i.test(aliasInput)) {
      throw new FieldError(
        'alias',
        `is '${aliasInput}', which MLflow reserves; choose another alias name`
      )
    }
    if (!moves.some(m => m.kind === 'alias' && m.alias === aliasInput))
      moves.push({ kind: 'alias', alias: aliasInput })
    // An alias that stands for a policy stage (its alias:, or its name lower-cased, which the
    // aliases mode writes when there is no alias:) is that stage: moving it alone gets the
    // stage's order and approval checks. Matched case-insensitively, so no spelling slips past.
    const wanted = aliasInput.toLowerCase()
    const byAlias = policy.stages.find(
      s => stageAlias(s).toLowerCase() === wanted || s.name.toLowerCase() === wanted
    )
    if (byAlias && targets.policyStage && targets.policyStage !== byAlias) {
      throw new FieldError(
        'alias',
        `is '${aliasInput}', the alias of stage ${byAlias.name}, but 'stage' is ${targets.policyStage.name}; ` +
          'promote to one stage at a time'
      )
    }
    if (byAlias) targets.policyStage = byAlias
  }
  return targets
}

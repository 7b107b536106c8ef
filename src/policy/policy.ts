import type { MlflowStage } from '../mlflow/registry.js'
import type { Governance, PolicyFile, RegistryMode, SignOffRole, StagePolicy } from './schema.js'
import { governanceSchema, stageSchema } from './schema.js'

/** The policy as the actions use it: one model's effective stages, in order. */
export interface Policy {
  /** Where it came from, or undefined when no policy file exists (inputs alone). */
  source?: string
  mode: RegistryMode
  allowSkip: boolean
  /** Promotion order, lowest first. Archived is implicit and never listed here. */
  stages: StagePolicy[]
  /** What the run check requires of GitHub's record (`governance:`; defaults when absent). */
  governance?: Governance
  /** The policy's top-level `lineage: { min_level }`, when set. */
  lineageMinLevel?: number
}

/** What the seed's flow (log_model inside `dvc repro`, then commit) reaches: level 3. */
export const DEFAULT_LINEAGE_MIN_LEVEL = 3

/**
 * The weakest lineage level a stage accepts, and where that came from: the stage's own
 * `lineage: { min_level }`, the policy's top-level one, else the default (3).
 */
export function minLineageLevel(
  policy: Policy,
  stageName: string | undefined
): { level: 1 | 2 | 3 | 4; source: string } {
  const stage = stageName ? findStage(policy, stageName) : undefined
  const own = stage && typeof stage.lineage === 'object' ? stage.lineage.min_level : undefined
  const where = policy.source ? ` in ${policy.source}` : ''
  if (own !== undefined)
    return {
      level: own as 1 | 2 | 3 | 4,
      source: `stage '${stage!.name}' lineage.min_level${where}`
    }
  if (policy.lineageMinLevel !== undefined)
    return {
      level: policy.lineageMinLevel as 1 | 2 | 3 | 4,
      source: `the policy's lineage.min_level${where}`
    }
  return {
    level: DEFAULT_LINEAGE_MIN_LEVEL,
    source:
      'the default; set lineage: { min_level: N } in the policy, globally or per stage, to change it'
  }
}

/** The `governance:` defaults (the example callers' paths, no pinned approval workflow). */
export const DEFAULT_GOVERNANCE: Governance = governanceSchema.parse({})

/** Used when no policy file exists: MLflow's own stages, no approvals, no gates. */
export const DEFAULT_STAGES: StagePolicy[] = ['Development', 'Staging', 'Production'].map(name =>
  stageSchema.parse({ name })
)

const MLFLOW_CANONICAL: Record<string, MlflowStage> = {
  none: 'None',
  development: 'None',
  staging: 'Staging',
  production: 'Production',
  archived: 'Archived'
}

/**
 * The MLflow stage a policy stage is recorded as. `Development` is MLflow's `None`; a custom
 * stage name has no MLflow stage and can only be recorded by its alias.
 */
export function mlflowStageFor(stageName: string): MlflowStage | undefined {
  return MLFLOW_CANONICAL[stageName.toLowerCase()]
}

/** Finds a policy stage by its name or by its MLflow stage (`None` finds `Development`). */
export function findStage(policy: Policy, name: string): StagePolicy | undefined {
  const lower = name.toLowerCase()
  const byName = policy.stages.find(s => s.name.toLowerCase() === lower)
  if (byName) return byName
  const mlflow = mlflowStageFor(name)
  return mlflow ? policy.stages.find(s => mlflowStageFor(s.name) === mlflow) : undefined
}

/**
 * The GitHub environment that guards a stage: its `environment:`, else its name lower-cased
 * (Production → production), so the `model_registry.stages` block of an .mlflow/config.yaml,
 * which names no environments, is guarded as written.
 */
export function stageEnvironment(stage: StagePolicy): string {
  return stage.environment ?? stage.name.toLowerCase()
}

/**
 * The roles that must approve a stage. Without `sign_off:` there is one, the stage's own
 * environment with the stage's approvers: GitHub decides a deployment by its first review, so one
 * environment yields at most one approval per run, and N people need N environments.
 */
export function signOffRoles(stage: StagePolicy): SignOffRole[] {
  return (
    stage.sign_off ?? [
      { role: stage.name, environment: stageEnvironment(stage), approvers: stage.approvers }
    ]
  )
}

/** Index in the promotion order, or -1 (Archived and unknown stages are outside the order). */
export function stageIndex(policy: Policy, name: string): number {
  const stage = findStage(policy, name)
  return stage ? policy.stages.indexOf(stage) : -1
}

/** Applies `models.<name>` overrides: stages merge by name, later keys win. */
export function effectivePolicy(
  file: PolicyFile | undefined,
  model: string | undefined,
  source?: string
): Policy {
  const baseStages = file
    ? (file.stages ?? file.model_registry?.stages ?? DEFAULT_STAGES)
    : DEFAULT_STAGES
  const override = model && file ? file.models[model] : undefined
  const stages = baseStages.map(stage => {
    const patch = override?.stages.find(s => s.name.toLowerCase() === stage.name.toLowerCase())
    return patch ? { ...stage, ...stripUndefined(patch) } : stage
  })
  return {
    ...(source ? { source } : {}),
    mode: override?.registry?.mode ?? file?.registry.mode ?? 'stages',
    allowSkip: override?.allow_skip ?? file?.allow_skip ?? false,
    stages,
    governance: file?.governance ?? DEFAULT_GOVERNANCE,
    ...(file?.lineage ? { lineageMinLevel: file.lineage.min_level } : {})
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

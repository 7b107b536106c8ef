export {
  loadPolicy,
  parsePolicy,
  policyResolver,
  DEFAULT_POLICY_PATH,
  MLFLOW_CONFIG_PATH
} from './loader.js'
export {
  effectivePolicy,
  findStage,
  mlflowStageFor,
  stageIndex,
  stageEnvironment,
  signOffRoles,
  minLineageLevel,
  DEFAULT_LINEAGE_MIN_LEVEL,
  DEFAULT_STAGES,
  type Policy
} from './policy.js'
export { runCheckFacts, type RunCheckPolicyFacts } from './governance.js'
export { DEFAULT_GOVERNANCE } from './policy.js'
export type { Governance, StagePolicy, RegistryMode, PolicyFile, SignOffRole } from './schema.js'

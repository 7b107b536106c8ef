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
  DEFAULT_STAGES,
  type Policy
} from './policy.js'
export type { StagePolicy, RegistryMode, PolicyFile, SignOffRole } from './schema.js'

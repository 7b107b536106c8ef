export { loadPolicy, parsePolicy, policyResolver, DEFAULT_POLICY_PATH } from './loader.js'
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
export type { StagePolicy, RegistryMode, PolicyFile, SignOffRole } from './schema.js'

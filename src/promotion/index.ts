export { promote } from './promote.js'
export { promotionSummary, resultJson, stageSummary } from './summary.js'
export {
  registerAndPromote,
  type GovernedResult,
  type PromotionCandidate
} from './register-and-promote.js'
export { DEFAULT_TAG_PREFIX } from './tags.js'
export type {
  PromotionDeps,
  PromotionRequest,
  PromotionRequestBase,
  PromotionResult,
  Registry
} from './types.js'
export { resolveStage, type ResolvedStage, type StageRequest } from './resolve-stage.js'
export { planApproval, type ApprovalPlan } from './approval-plan.js'
export { approvalPlanSummary } from './approval-plan-summary.js'
export type { ApprovedArtifact, VersionDigester } from './approved-artifact.js'

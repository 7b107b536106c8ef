export { promote } from './promote.js'
export { promotionOutputs, promotionSummary, resultJson } from './report.js'
export { DEFAULT_TAG_PREFIX } from './tags.js'
export type { PromotionDeps, PromotionRequest, PromotionResult, Registry } from './types.js'

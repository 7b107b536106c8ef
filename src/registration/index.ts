export { registerCandidate } from './register.js'
export { registrationSummary } from './summary.js'
export { lineageKeys, validateLineage } from './lineage.js'
export { parseSource, type ModelSource } from './source.js'
export { RegistrationFailedError, READY_POLL } from './wait-ready.js'
export type {
  Lineage,
  RegistrationDeps,
  RegistrationRegistry,
  RegistrationRequest,
  RegistrationResult
} from './types.js'

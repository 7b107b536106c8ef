export {
  reconcile,
  reconcileModel,
  toFinding,
  type Finding,
  type ReconcileReport,
  type TargetRow,
  type ReconcileDeps
} from './reconcile.js'
export { auditedHolders, auditedModels, type AuditedHolder } from './audited.js'
export { readRegistryHolders, type RegistryReader } from './registry-state.js'
export { entryMoves, policyTargets, targetKey, type Target } from './targets.js'
export { driftEntry, describeFinding } from './drift-record.js'
export { loadTrail, loadVerifiedEntries } from './audit-source.js'
export { reconcileSummary } from './summary.js'
export { policyResolver } from '../policy/index.js'
export {
  runReconcile,
  type ReconcileRun,
  type ReconcileRunDeps,
  type ReconcileRunOptions,
  type RecordedEvent
} from './run.js'

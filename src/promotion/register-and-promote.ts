import { registerCandidate } from '../registration/register.js'
import type {
  RegistrationDeps,
  RegistrationRequest,
  RegistrationResult
} from '../registration/types.js'
import { promote } from './promote.js'
import type { PromotionDeps, PromotionRequestBase, PromotionResult } from './types.js'

/** What promote-model moves: a version to register first, a version spec, or a rollback. */
export type PromotionCandidate =
  | { kind: 'register'; registration: Omit<RegistrationRequest, 'model' | 'tagPrefix'> }
  | { kind: 'version'; version: string }
  | { kind: 'rollback' }

export interface GovernedRequest {
  candidate: PromotionCandidate
  promotion: PromotionRequestBase
}

/** Registration alone, or a promotion (after a registration, when one was asked for). */
export type GovernedResult =
  | { kind: 'registered'; registration: RegistrationResult }
  | { kind: 'promoted'; registration?: RegistrationResult; promotion: PromotionResult }

/**
 * One promote-model run: register the candidate when a source is given, then promote it (or
 * the version named, or roll back). A registration with no stage or alias to move, or a dry run
 * that would register and so has no version yet, ends after registering.
 */
export async function registerAndPromote(
  request: GovernedRequest,
  deps: PromotionDeps & RegistrationDeps
): Promise<GovernedResult> {
  const { candidate, promotion } = request
  if (candidate.kind === 'rollback') {
    return { kind: 'promoted', promotion: await promote({ ...promotion, rollback: true }, deps) }
  }
  if (candidate.kind === 'version') {
    const version = candidate.version
    return {
      kind: 'promoted',
      promotion: await promote({ ...promotion, rollback: false, version }, deps)
    }
  }
  const registration = await registerCandidate(
    { ...candidate.registration, model: promotion.model, tagPrefix: promotion.tagPrefix },
    deps
  )
  if (!registration.version || !(promotion.stage || promotion.alias))
    return { kind: 'registered', registration }
  return {
    kind: 'promoted',
    registration,
    promotion: await promote({ ...promotion, rollback: false, version: registration.version }, deps)
  }
}

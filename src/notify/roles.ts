import { signOffRoles, type StagePolicy } from '../policy/index.js'
import type { RoleToSign } from './approval-request.js'

/**
 * Who must sign off a stage, as promote-model will check it: each `sign_off` role, or, for a
 * stage that requires approval without roles, the stage's own environment and approvers. A stage
 * that requires no approval lists nobody.
 */
export function rolesToSign(stage: StagePolicy | undefined): RoleToSign[] {
  if (!stage || (!stage.requires_approval && !stage.sign_off)) return []
  return signOffRoles(stage).map(r => ({
    role: r.role,
    environment: r.environment,
    approvers: [...r.approvers]
  }))
}

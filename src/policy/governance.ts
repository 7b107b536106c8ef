import type { Policy } from './policy.js'
import { DEFAULT_GOVERNANCE, findStage, signOffRoles } from './policy.js'

/**
 * The policy facts the run check needs (src/audit/run-policy.ts declares the same shape; the
 * audit room does not import the policy room): which callers may promote, which release of the
 * approval workflow they must call, and per model and target the roles whose approvals count.
 */
export interface RunCheckPolicyFacts {
  callerWorkflows: string[]
  driftWorkflows: string[]
  approvalWorkflows: string[]
  stage(
    model: string,
    target: string
  ):
    | {
        name: string
        requiresApproval: boolean
        allowSelfApproval: boolean
        roles: { role: string; environment: string; approvers: string[] }[]
      }
    | undefined
}

/**
 * From the policy of each model (policyResolver): the governance keys are the file's (one per
 * file, so the first model's policy gives them); a target is a stage by name or MLflow stage, or
 * the stage whose `alias` it is.
 */
export function runCheckFacts(
  policyOf: (model: string | undefined) => Policy
): RunCheckPolicyFacts {
  const governance = policyOf(undefined).governance ?? DEFAULT_GOVERNANCE
  return {
    callerWorkflows: governance.caller_workflows,
    driftWorkflows: governance.drift_workflows,
    approvalWorkflows: governance.approval_workflows,
    stage(model, target) {
      const policy = policyOf(model)
      const stage =
        findStage(policy, target) ??
        policy.stages.find(s => s.alias !== undefined && s.alias === target)
      if (!stage) return undefined
      return {
        name: stage.name,
        requiresApproval: stage.requires_approval,
        allowSelfApproval: stage.allow_self_approval,
        roles: signOffRoles(stage).map(r => ({
          role: r.role,
          environment: r.environment,
          approvers: r.approvers
        }))
      }
    }
  }
}

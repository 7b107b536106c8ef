import type { AuditApproval } from './entry.js'

/**
 * Labels each review with the sign_off role whose environment it was for, from resolve-stage's
 * `sign-off` output ([{role, environment}]). A value that is not that shape is noted and the
 * reviews are recorded unlabelled: the event is never lost over a label.
 */
export function labelRoles(
  approvals: AuditApproval[],
  signOff: string | undefined
): { approvals: AuditApproval[]; note?: string } {
  const text = signOff?.trim()
  if (!text) return { approvals }
  let roles: unknown
  try {
    roles = JSON.parse(text)
  } catch {
    return {
      approvals,
      note: 'The sign-off list is not JSON; the reviews are recorded without their roles.'
    }
  }
  const valid =
    Array.isArray(roles) &&
    roles.every(
      (r: unknown) =>
        !!r &&
        typeof (r as { role?: unknown }).role === 'string' &&
        typeof (r as { environment?: unknown }).environment === 'string'
    )
  if (!valid)
    return {
      approvals,
      note: 'The sign-off list is not a list of {role, environment}; the reviews are recorded without their roles.'
    }
  const byEnvironment = new Map(
    (roles as { role: string; environment: string }[]).map(r => [
      r.environment.toLowerCase(),
      r.role
    ])
  )
  return {
    approvals: approvals.map(a => {
      const role = a.environments.map(e => byEnvironment.get(e.toLowerCase())).find(Boolean)
      return role ? { ...a, role } : a
    })
  }
}

/**
 * The two-role policy the sign-off tests share (unit, real MLflow, dist): Production signed off
 * by a team role and a login role, each through an environment of its own.
 */
export const SIGN_OFF_POLICY = `stages:
  - name: Staging
  - name: Production
    requires_approval: true
    sign_off:
      - role: data-science-lead
        environment: production-ds
        approvers: ['@acme/ds-leads']
      - role: mlops-engineer
        environment: production-ops
        approvers: [carol, dave]
`

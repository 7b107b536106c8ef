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

/** The seed's .mlflow/config.yaml: MLflow's server settings beside its model_registry block. */
export const SEED_MLFLOW_CONFIG = `backend_store: postgresql://mlflow:mlflow@localhost:5432/mlflow
default_artifact_root: s3://seed-mlflow-artifacts/
serve_artifacts: false
host: 0.0.0.0
port: 5000
model_registry:
  stages:
    - name: Staging
      description: Validation before production
      requires_approval: false
    - name: Production
      description: Serving
      requires_approval: true
      approvers: [data-science-lead, mlops-engineer]
`

import { boolean, choice, integer, optionalString, secret, stringWithDefault } from './inputs.js'

/**
 * Inputs shared by every action that talks to MLflow. Each falls back to the environment
 * variable MLflow's own client reads (MLFLOW_TRACKING_URI, MLFLOW_TRACKING_TOKEN, ...).
 */
export const connectionInputs = {
  'tracking-uri': optionalString(),
  'tracking-token': secret(optionalString()),
  'tracking-username': optionalString(),
  'tracking-password': secret(optionalString()),
  'tracking-insecure-tls': boolean(false),
  'tracking-server-cert-path': optionalString(),
  'tracking-client-cert-path': optionalString()
}

export const policyInputs = {
  'policy-file': optionalString()
}

/**
 * Inputs of every action that appends to the audit log (audit-log, reconcile): where and how
 * the audit commit is made. Their meaning is the audit store's (src/audit/store.ts).
 */
export const auditCommitInputs = {
  token: secret(optionalString()),
  push: boolean(true),
  branch: optionalString(),
  'commit-method': choice(['git', 'api'], 'git'),
  'max-attempts': integer(10, { min: 1, max: 100 }),
  'backoff-ms': integer(1000, { min: 0, max: 60_000 }),
  'author-name': stringWithDefault('github-actions[bot]'),
  'author-email': stringWithDefault('41898282+github-actions[bot]@users.noreply.github.com')
}

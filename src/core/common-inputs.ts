import { boolean, optionalString } from './inputs.js'

/**
 * Inputs shared by every action that talks to MLflow. Each falls back to the environment
 * variable MLflow's own client reads (MLFLOW_TRACKING_URI, MLFLOW_TRACKING_TOKEN, ...).
 */
export const connectionInputs = {
  'tracking-uri': optionalString(),
  'tracking-token': optionalString(),
  'tracking-username': optionalString(),
  'tracking-password': optionalString(),
  'tracking-insecure-tls': boolean(false),
  'tracking-server-cert-path': optionalString(),
  'tracking-client-cert-path': optionalString()
}

export const policyInputs = {
  'policy-file': optionalString()
}

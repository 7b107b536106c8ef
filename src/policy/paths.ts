// Where the policy is looked for, in a module of its own: action inputs name these defaults,
// and importing them must not load the policy room (YAML, schemas, file guards) at cold start.

export const DEFAULT_POLICY_PATH = '.github/model-governance.yml'
/**
 * MLflow's own configuration file. Its `model_registry.stages` block is a valid policy, so a
 * project that already has one (the seed's layout) is governed by it without naming it anywhere.
 */
export const MLFLOW_CONFIG_PATH = '.mlflow/config.yaml'

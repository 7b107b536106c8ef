import yaml from 'js-yaml'
import { ConfigurationError, type SourceLocation } from '../core/errors.js'
import { loadYamlBounded } from '../files/parse.js'
import type { Logger } from '../core/logger.js'
import {
  DEFAULT_POLICY_PATH,
  findPolicyText,
  MLFLOW_CONFIG_PATH,
  missingPolicyError
} from './discover.js'
import { formatKeyPath, locateKeyPath } from './locate.js'
import { effectivePolicy, stageEnvironment, type Policy } from './policy.js'
import {
  ENVIRONMENT_NAME,
  KNOWN_TOP_LEVEL_KEYS,
  MLFLOW_SETTING_KEYS,
  policyFileSchema,
  type PolicyFile,
  type StagePolicy
} from './schema.js'

export { DEFAULT_POLICY_PATH, MLFLOW_CONFIG_PATH } from './discover.js'

/**
 * Parses and validates policy text. Errors name the file, the line and the key path.
 * js-yaml's default schema is its safe one: no functions, no custom tags.
 */
export function parsePolicy(text: string, file: string, logger: Logger): PolicyFile {
  let raw: unknown
  try {
    raw = loadYamlBounded(text, file, yaml.DEFAULT_SCHEMA)
  } catch (error) {
    if (error instanceof yaml.YAMLException) {
      const line = error.mark ? error.mark.line + 1 : undefined
      const column = error.mark ? error.mark.column + 1 : undefined
      throw new ConfigurationError(
        `Policy file ${file}${line ? `:${line}` : ''} is not valid YAML: ${error.reason}; fix the syntax there`,
        { location: { file, ...(line ? { line } : {}), ...(column ? { column } : {}) } }
      )
    }
    throw error
  }
  if (raw === undefined || raw === null) raw = {}
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigurationError(
      `Policy file ${file}:1 must be a mapping with keys such as 'stages' and 'models'`,
      { location: { file, line: 1 } }
    )
  }
  for (const key of Object.keys(raw)) {
    if (MLFLOW_SETTING_KEYS.has(key)) {
      logger.debug(
        `Policy file ${file}: '${key}' is an MLflow setting; model-governance does not read it`
      )
    } else if (!KNOWN_TOP_LEVEL_KEYS.has(key)) {
      const line = locateKeyPath(text, [key])
      logger.warning(
        `Policy file ${file}${line ? `:${line}` : ''}: key '${key}' is not used by model-governance and is ignored`,
        { file, ...(line ? { line } : {}) }
      )
    }
  }
  const result = policyFileSchema.safeParse(raw)
  if (!result.success) {
    const issue = result.error.issues[0]!
    const keyPath = issue.path.filter((p): p is string | number => typeof p !== 'symbol')
    let message = issue.message
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys
      keyPath.push(keys[0] ?? '')
      message = `unknown key${keys.length > 1 ? 's' : ''} ${keys.map(k => `'${k}'`).join(', ')}; check the spelling against docs/policy.md`
    }
    const line = locateKeyPath(text, keyPath)
    throw new ConfigurationError(
      `Policy file ${file}${line ? `:${line}` : ''}: ${formatKeyPath(keyPath)}: ${message}`,
      { location: { file, ...(line ? { line } : {}) } }
    )
  }
  const policy = result.data
  const stages = policy.stages ?? policy.model_registry?.stages
  if (policy.stages && policy.model_registry?.stages) {
    throw new ConfigurationError(
      `Policy file ${file}: both 'stages' and 'model_registry.stages' are set; keep one of them`,
      { location: { file } }
    )
  }
  if (stages)
    checkStages(
      stages.map(s => s.name),
      text,
      file
    )
  checkApprovalRules(policy, text, file)
  return policy
}

/**
 * Approval rules that would let a guarded stage through with nobody's approval, checked for the
 * global stages and for every model's effective stages (an override may turn approval on).
 */
function checkApprovalRules(policy: PolicyFile, text: string, file: string): void {
  const lineOf = (model: string | undefined, index: number): { line?: number } => {
    const line = model
      ? locateKeyPath(text, ['models', model, 'stages'])
      : (locateKeyPath(text, ['stages', index]) ??
        locateKeyPath(text, ['model_registry', 'stages', index]))
    return line ? { line } : {}
  }
  const scopes: (string | undefined)[] = [undefined, ...Object.keys(policy.models)]
  for (const model of scopes) {
    effectivePolicy(policy, model).stages.forEach((stage, index) => {
      const scope = model ? ` (for model '${model}')` : ''
      const location = { file, ...lineOf(model, index) }
      const at = `${file}${location.line ? `:${location.line}` : ''}`
      checkSignOff(stage, `Policy file ${at}: stage ${stage.name}${scope}`, location)
      if (!stage.requires_approval) return
      if (stage.min_approvals !== undefined && stage.min_approvals < 1) {
        throw new ConfigurationError(
          `Policy file ${at}: stage ${stage.name}${scope} has requires_approval: true and min_approvals: ${stage.min_approvals}, ` +
            'which would pass with no approval; set min_approvals to 1 or more, or remove it',
          { location }
        )
      }
      if (!ENVIRONMENT_NAME.test(stageEnvironment(stage))) {
        throw new ConfigurationError(
          `Policy file ${at}: stage ${stage.name}${scope} requires approval but names no environment, and its name ` +
            'is not a GitHub environment name; set environment: to the environment whose required reviewers approve it',
          { location }
        )
      }
    })
  }
}

const SIGN_OFF_EXAMPLE =
  "sign_off:\n  - role: data-science-lead\n    environment: production-ds\n    approvers: ['@acme/ds-leads']\n" +
  '  - role: mlops-engineer\n    environment: production-ops\n    approvers: [carol, dave]'

/**
 * Approval rules GitHub can meet. GitHub decides a pending deployment by its first review, so an
 * environment yields at most one approval per run: a stage needing N people needs N roles, each
 * with an environment of its own.
 */
function checkSignOff(stage: StagePolicy, where: string, location: SourceLocation): void {
  const roles = stage.sign_off
  if (!roles) {
    if ((stage.min_approvals ?? 1) > 1) {
      throw new ConfigurationError(
        `${where} has min_approvals: ${stage.min_approvals}, but one environment yields at most one approval per run ` +
          `(GitHub proceeds on the first review). To require ${stage.min_approvals} people, declare one sign_off role each, ` +
          `every role with its own environment:\n${SIGN_OFF_EXAMPLE}`,
        { location }
      )
    }
    return
  }
  if (!stage.requires_approval)
    throw new ConfigurationError(
      `${where} declares sign_off but not requires_approval: true; set it`,
      { location }
    )
  if (stage.approvers.length > 0)
    throw new ConfigurationError(
      `${where} has both approvers and sign_off; with sign_off, list the approvers under each role`,
      { location }
    )
  const own = stageEnvironment(stage).toLowerCase()
  const shared = roles.find(r => r.environment.toLowerCase() === own)
  if (shared) {
    throw new ConfigurationError(
      `${where}: role ${shared.role} uses environment '${shared.environment}', which is the stage's own environment; ` +
        "the stage's environment releases the registry credential to the promote job after the roles signed off, " +
        "so give the role an environment of its own (or set the stage's environment: to another one)",
      { location }
    )
  }
  const seen = { role: new Set<string>(), environment: new Set<string>() }
  for (const role of roles) {
    for (const key of ['role', 'environment'] as const) {
      const value = role[key].toLowerCase()
      if (seen[key].has(value)) {
        throw new ConfigurationError(
          `${where}: sign_off names ${key} '${role[key]}' twice; ` +
            (key === 'environment'
              ? 'one environment yields one approval per run, so each role needs an environment of its own'
              : 'give each role its own name'),
          { location }
        )
      }
      seen[key].add(value)
    }
  }
  if ((stage.min_approvals ?? roles.length) > roles.length) {
    throw new ConfigurationError(
      `${where} has min_approvals: ${stage.min_approvals}, but its sign_off roles can deliver at most ${roles.length} ` +
        '(one per environment); add roles or lower min_approvals',
      { location }
    )
  }
}

function checkStages(names: string[], text: string, file: string): void {
  const seen = new Set<string>()
  names.forEach((name, index) => {
    const lower = name.toLowerCase()
    if (
      seen.has(lower) ||
      (lower === 'none' && seen.has('development')) ||
      (lower === 'development' && seen.has('none'))
    ) {
      const line =
        locateKeyPath(text, ['stages', index]) ??
        locateKeyPath(text, ['model_registry', 'stages', index])
      throw new ConfigurationError(
        `Policy file ${file}${line ? `:${line}` : ''}: stage '${name}' is listed twice; each stage appears once, in promotion order`,
        { location: { file, ...(line ? { line } : {}) } }
      )
    }
    if (lower === 'archived') {
      throw new ConfigurationError(
        `Policy file ${file}: stage 'Archived' must not be listed; it is always available as the way out of the order`,
        { location: { file } }
      )
    }
    seen.add(lower)
  })
}

/**
 * The policy of each model, from one read of the policy file (reconcile and the CLI cover many
 * models). The file is the one named, else the default, else the seed's .mlflow/config.yaml
 * (discover.ts). With none, actions run from their inputs alone, with the default stages, unless
 * `required` (resolve-stage governs by it); a named file that does not exist is an error.
 */
export function policyResolver(options: {
  policyFile?: string | undefined
  workspace: string
  /** The folder (relative to the workspace) the default paths are looked up in. */
  root?: string | undefined
  required?: boolean
  logger: Logger
}): (model: string | undefined) => Policy {
  const found = findPolicyText(options)
  if (!found) {
    if (options.required) throw missingPolicyError(options)
    options.logger.debug(
      `No policy file at ${DEFAULT_POLICY_PATH} or ${MLFLOW_CONFIG_PATH}; using inputs alone and the default stages`
    )
    return model => effectivePolicy(undefined, model)
  }
  const file = parsePolicy(found.text, found.relative, options.logger)
  const cache = new Map<string | undefined, Policy>()
  return model => {
    let policy = cache.get(model)
    if (!policy) cache.set(model, (policy = effectivePolicy(file, model, found.relative)))
    return policy
  }
}

/** Loads the policy for one model (see policyResolver). */
export function loadPolicy(options: {
  policyFile?: string | undefined
  workspace: string
  root?: string | undefined
  required?: boolean
  model?: string | undefined
  logger: Logger
}): Policy {
  return policyResolver(options)(options.model)
}

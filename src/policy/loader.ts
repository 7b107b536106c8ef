import yaml from 'js-yaml'
import { ConfigurationError } from '../core/errors.js'
import { loadYamlBounded } from '../files/parse.js'
import { guardPath, guardRoot, requireAccepted } from '../files/paths.js'
import { readAcceptedSync } from '../files/read.js'
import type { Logger } from '../core/logger.js'
import { formatKeyPath, locateKeyPath } from './locate.js'
import { effectivePolicy, type Policy } from './policy.js'
import { KNOWN_TOP_LEVEL_KEYS, policyFileSchema, type PolicyFile } from './schema.js'

export const DEFAULT_POLICY_PATH = '.github/model-governance.yml'

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
    if (!KNOWN_TOP_LEVEL_KEYS.has(key)) {
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
  return policy
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
 * models). With no explicit path and no default file, actions run from their inputs alone, with
 * the default stages; an explicit path that does not exist is an error.
 */
export function policyResolver(options: {
  policyFile?: string | undefined
  workspace: string
  logger: Logger
  /** How the path was given, for the error message; defaults to the policy-file input. */
  inputName?: string
}): (model: string | undefined) => Policy {
  const explicit = options.policyFile?.trim()
  const relative = explicit || DEFAULT_POLICY_PATH
  // An explicit policy-file is the workflow's choice and may live anywhere; the default path is
  // repository content, so a symlink there that leads outside the workspace is refused. Either
  // way only a regular file is opened (a FIFO would block), within the size cap.
  const safe = requireAccepted(
    guardPath(guardRoot(options.workspace), relative, {
      allowExternal: Boolean(explicit),
      absoluteInside: true
    }),
    `Policy file ${relative}`,
    undefined,
    "name it in input 'policy-file' to read it from there"
  )
  const bytes = readAcceptedSync(safe, { display: `Policy file ${relative}` })
  if (bytes === undefined) {
    if (explicit) {
      throw new ConfigurationError(
        `${options.inputName ?? "Input 'policy-file'"} names '${explicit}', which does not exist in ${options.workspace}; fix the path or remove it`
      )
    }
    options.logger.debug(
      `No policy file at ${DEFAULT_POLICY_PATH}; using inputs alone and the default stages`
    )
    return model => effectivePolicy(undefined, model)
  }
  const file = parsePolicy(bytes.toString('utf8'), relative, options.logger)
  const cache = new Map<string | undefined, Policy>()
  return model => {
    let policy = cache.get(model)
    if (!policy) cache.set(model, (policy = effectivePolicy(file, model, relative)))
    return policy
  }
}

/** Loads the policy for one model (see policyResolver). */
export function loadPolicy(options: {
  policyFile?: string | undefined
  workspace: string
  model?: string | undefined
  logger: Logger
}): Policy {
  return policyResolver(options)(options.model)
}

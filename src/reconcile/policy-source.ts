import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { ConfigurationError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import { DEFAULT_POLICY_PATH, effectivePolicy, parsePolicy, type Policy } from '../policy/index.js'

/**
 * The policy of each model, from one read of the policy file (reconcile covers many models;
 * loadPolicy would re-read and re-validate the file for each). Same rules as loadPolicy: no
 * file at the default path means the default stages; an explicit path must exist.
 */
export function policyResolver(options: {
  policyFile?: string | undefined
  workspace: string
  logger: Logger
  inputName?: string
}): (model: string) => Policy {
  const explicit = options.policyFile?.trim()
  const relative = explicit || DEFAULT_POLICY_PATH
  const full = path.resolve(options.workspace, relative)
  if (!existsSync(full)) {
    if (explicit) {
      throw new ConfigurationError(
        `${options.inputName ?? "Input 'policy-file'"} names '${explicit}', which does not exist in ${options.workspace}; fix the path or leave it out`
      )
    }
    options.logger.debug(`No policy file at ${DEFAULT_POLICY_PATH}; using the default stages`)
    return model => effectivePolicy(undefined, model)
  }
  const file = parsePolicy(readFileSync(full, 'utf8'), relative, options.logger)
  const cache = new Map<string, Policy>()
  return model => {
    let policy = cache.get(model)
    if (!policy) cache.set(model, (policy = effectivePolicy(file, model, relative)))
    return policy
  }
}

import path from 'node:path'
import yaml from 'js-yaml'
import { errorMessage, FieldError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import { loadYamlBounded } from '../files/parse.js'
import { guardPath, guardRoot, requireAccepted } from '../files/paths.js'
import { readAcceptedSync } from '../files/read.js'
import { DEFAULT_POLICY_PATH, MLFLOW_CONFIG_PATH } from './paths.js'

export { DEFAULT_POLICY_PATH, MLFLOW_CONFIG_PATH }

/** A policy file found and read: its path as given to the suite (relative to the workspace) and its text. */
export interface PolicyText {
  relative: string
  text: string
}

interface FindOptions {
  /** The policy-file input or --policy; when set, that file and no other. */
  policyFile?: string | undefined
  workspace: string
  /** The folder (relative to the workspace) the default paths are looked up in; resolve-stage's policy-root. */
  root?: string | undefined
  logger: Logger
}

/**
 * The policy file an action or the CLI reads: the one named, else .github/model-governance.yml,
 * else .mlflow/config.yaml when it holds `model_registry.stages` (with one notice saying so), else
 * none. A named file that does not exist is an error; no file at all is undefined.
 */
export function findPolicyText(options: FindOptions): PolicyText | undefined {
  const explicit = options.policyFile?.trim()
  if (explicit) {
    const text = readPolicy(options.workspace, explicit, true)
    if (text === undefined) {
      throw new FieldError(
        'policy-file',
        `names '${explicit}', which does not exist in ${options.workspace}; fix the path or remove it`
      )
    }
    return { relative: explicit, text }
  }
  const under = (file: string): string =>
    options.root && options.root !== '.' ? path.posix.join(options.root, file) : file
  const primary = under(DEFAULT_POLICY_PATH)
  const text = readPolicy(options.workspace, primary, false)
  if (text !== undefined) return { relative: primary, text }

  const config = under(MLFLOW_CONFIG_PATH)
  const configText = readPolicy(options.workspace, config, false)
  if (configText === undefined) return undefined
  const why = stagesBlockProblem(configText, config)
  if (why) {
    options.logger.debug(`${config} is not used as the policy: ${why}`)
    return undefined
  }
  options.logger.notice(
    `No ${primary}: the policy is the model_registry.stages block of ${config} ` +
      `(add ${DEFAULT_POLICY_PATH}, or name another policy file, to govern by another)`
  )
  return { relative: config, text: configText }
}

/** The error for a policy that must exist (resolve-stage) and was not found by findPolicyText. */
export function missingPolicyError(options: { workspace: string; root?: string }): FieldError {
  const where = options.root && options.root !== '.' ? ` under ${options.root}` : ''
  return new FieldError(
    'policy-file',
    `is not set, and neither ${DEFAULT_POLICY_PATH} nor ${MLFLOW_CONFIG_PATH} with model_registry.stages ` +
      `exists${where}; add one of them on the default branch, or name the policy file`
  )
}

/**
 * Why an .mlflow/config.yaml is not a policy, or undefined when it holds `model_registry.stages`.
 * Only that block makes it one: MLflow reads the file for its server settings as well.
 */
function stagesBlockProblem(text: string, display: string): string | undefined {
  let raw: unknown
  try {
    raw = loadYamlBounded(text, display, yaml.DEFAULT_SCHEMA)
  } catch (error) {
    return `it is not valid YAML (${errorMessage(error)})`
  }
  const registry =
    typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).model_registry : null
  const stages =
    typeof registry === 'object' && registry !== null
      ? (registry as Record<string, unknown>).stages
      : undefined
  return Array.isArray(stages) ? undefined : 'it has no model_registry.stages list'
}

/**
 * Reads a policy path within the size cap, only a regular file. A named file is the workflow's
 * choice and may live anywhere; a default path is repository content, so a symlink there that
 * leads outside the workspace is refused.
 */
function readPolicy(workspace: string, relative: string, explicit: boolean): string | undefined {
  const safe = requireAccepted(
    guardPath(guardRoot(workspace), relative, {
      allowExternal: explicit,
      absoluteInside: true
    }),
    `Policy file ${relative}`,
    undefined,
    "name it in 'policy-file' to read it from there"
  )
  return readAcceptedSync(safe, { display: `Policy file ${relative}` })?.toString('utf8')
}

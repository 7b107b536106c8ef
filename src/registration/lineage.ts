import { FieldError } from '../core/errors.js'
import type { RunContext } from '../github/context.js'
import type { Lineage } from './types.js'

/**
 * Registration tags sit under `<prefix>registration.` so that the promotion tags written later
 * (`<prefix>git_commit`, `<prefix>run_url` of the promoting run) never overwrite the lineage of
 * the run that produced the version.
 */
export const lineageKeys = (
  prefix: string
): Record<'gitCommit' | 'lockSha256' | 'modelMd5' | 'runUrl' | 'actor' | 'at', string> => ({
  gitCommit: `${prefix}registration.git_commit`,
  lockSha256: `${prefix}registration.dvc_lock_sha256`,
  modelMd5: `${prefix}registration.model_md5`,
  runUrl: `${prefix}registration.run_url`,
  actor: `${prefix}registration.actor`,
  at: `${prefix}registration.at`
})

const CHECKS: [keyof Lineage, string, RegExp, string][] = [
  [
    'gitCommit',
    'git-commit',
    /^([0-9a-f]{40}|[0-9a-f]{64})$/,
    'a full 40- or 64-character commit SHA'
  ],
  [
    'lockSha256',
    'lock-sha256',
    /^[0-9a-f]{64}$/,
    "64 hex characters (lineage-check's lock-sha256 output)"
  ],
  [
    'modelMd5',
    'model-md5',
    /^[0-9a-f]{32}(\.dir)?$/,
    "32 hex characters, optionally with .dir (lineage-check's model-md5 output)"
  ]
]

/** Lineage values are evidence: a malformed one is refused rather than recorded. */
export function validateLineage(lineage: Lineage): Lineage {
  const clean: Lineage = {}
  for (const [field, input, pattern, expected] of CHECKS) {
    const value = lineage[field]?.trim().toLowerCase()
    if (!value) continue
    if (!pattern.test(value)) {
      throw new FieldError(
        input,
        `is '${lineage[field]}'; expected ${expected}. Pass the value unchanged, or leave it empty.`
      )
    }
    clean[field] = value
  }
  return clean
}

/** The tags a new version carries from its first moment; empty values are left out. */
export function lineageTags(
  prefix: string,
  lineage: Lineage,
  run: RunContext,
  at: Date
): Record<string, string> {
  const keys = lineageKeys(prefix)
  const values: [string, string | undefined][] = [
    [keys.gitCommit, lineage.gitCommit ?? run.sha],
    [keys.lockSha256, lineage.lockSha256],
    [keys.modelMd5, lineage.modelMd5],
    [keys.runUrl, run.runUrl],
    [keys.actor, run.triggeringActor ?? run.actor],
    [keys.at, at.toISOString()]
  ]
  return Object.fromEntries(values.filter((entry): entry is [string, string] => !!entry[1]))
}

/** The lineage tags an existing version carries, for the report of an idempotent rerun. */
export function existingLineage(
  prefix: string,
  tags: { key: string; value: string }[]
): Record<string, string> {
  const wanted = new Set(Object.values(lineageKeys(prefix)))
  return Object.fromEntries(
    tags.filter(tag => wanted.has(tag.key)).map(tag => [tag.key, tag.value])
  )
}

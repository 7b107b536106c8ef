import { UsageError } from '../exit-codes.js'

/** `Production`, `stage:Production`, `alias:champion` or `champion`, as promote-model spells them. */
export function pickTarget<T extends { kind: string; target: string }>(
  targets: T[],
  wanted: string,
  model: string
): T {
  const text = wanted.trim()
  const prefixed = /^(stage|alias):(.+)$/i.exec(text)
  const matches = targets.filter(t =>
    prefixed
      ? t.kind === prefixed[1]!.toLowerCase() &&
        t.target.toLowerCase() === prefixed[2]!.trim().toLowerCase()
      : t.target.toLowerCase() === text.toLowerCase()
  )
  if (matches.length === 1) return matches[0]!
  const known = targets.map(t => `${t.kind}:${t.target}`).join(', ')
  if (matches.length > 1)
    throw new UsageError(
      `'${text}' is both a stage and an alias of ${model}; write stage:${text} or alias:${text}`
    )
  throw new UsageError(
    `${model} has no stage or alias '${text}' under its policy; use one of: ${known || '(none)'}`
  )
}

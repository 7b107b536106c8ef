/**
 * The lineage levels' numbers and words (issue "Seed flow"), down here in core because four
 * rooms say them: dvc computes the level (src/dvc/lineage-level.ts), the audit entry records it
 * (`lineage.level`), and notify, provenance and the CLI show it. Strongest first.
 */
export type LineageLevel = 1 | 2 | 3 | 4

export const LEVEL_WORDS: Record<LineageLevel, string> = {
  1: "the registered artifact's bytes are the DVC output",
  2: "the version's run logged a file whose md5 is the DVC output's in dvc.lock",
  3: "the version's run was recorded at the lineage commit, or at an ancestor that differs from it only in what dvc repro writes",
  4: 'no link between the version and the DVC pipeline'
}

export function levelLabel(level: LineageLevel): string {
  return `level ${level} (${LEVEL_WORDS[level]})`
}

/** A level read from a file or a report (1–4, as a number or a digit), else null. */
export function readLevel(value: unknown): LineageLevel | null {
  const n = typeof value === 'string' && /^[1-4]$/.test(value.trim()) ? Number(value) : value
  return n === 1 || n === 2 || n === 3 || n === 4 ? n : null
}

/** Said for a lineage recorded before lineage-check reported levels: nothing is guessed. */
export const NO_LEVEL_RECORDED =
  'not recorded: this lineage predates lineage levels (lineage-check did not report one then)'

/** The level as a person reads it, or plainly that none was recorded. */
export function levelText(level: LineageLevel | null): string {
  return level === null ? NO_LEVEL_RECORDED : levelLabel(level)
}

import type { AuditEntry } from './entry.js'

/** Collects verified lines as entries for the run check (verifyTrail's onEntry). */
export function entryCollector(): {
  onEntry: (line: Buffer, seq: number) => void
  entries: { line: number; entry: AuditEntry }[]
} {
  const entries: { line: number; entry: AuditEntry }[] = []
  return {
    entries,
    onEntry: (line, seq) =>
      entries.push({ line: seq, entry: JSON.parse(line.toString('utf8')) as AuditEntry })
  }
}

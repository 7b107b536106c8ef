/**
 * The run's commit beside the lineage commit. They differ in the everyday DVC flow: `dvc repro`
 * trains (and MLflow records the commit checked out) before `dvc.lock` is committed, so lineage is
 * checked at the next commit. A reader comparing the two must be told they differ, and which one
 * the data and the reproduce commands come from.
 */
export function commitDifference(
  runCommit: string | null | undefined,
  lineageCommit: string | null | undefined
): string | null {
  const run = (runCommit ?? '').trim()
  const lineage = (lineageCommit ?? '').trim()
  if (run === '' || lineage === '' || sameCommit(run, lineage)) return null
  return (
    `the run's commit ${run} differs from the lineage commit ${lineage}; ` +
    'the data and the reproduce commands are those of the lineage commit'
  )
}

/** Full or abbreviated SHAs name the same commit when one is a prefix of the other (7+ digits). */
function sameCommit(a: string, b: string): boolean {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()]
  const shorter = Math.min(x.length, y.length)
  return shorter >= 7 ? x.slice(0, shorter) === y.slice(0, shorter) : x === y
}

import path from 'node:path'
import type { StageReport } from '../../../src/dvc/report-types.js'

/**
 * Our per-stage verdicts as `dvc status --json` prints them when run in `cwd` (relative to the
 * project root): stage names and path keys relative to that folder, as DVC's addressing does
 * (a stage of the dvc.yaml in `cwd` by its name, others as `<relpath>/dvc.yaml:<name>`, `.dvc`
 * files by their relative path). Ours are named from the root.
 */
export function statusFrom(stages: StageReport[], cwd: string): Record<string, unknown> {
  const rel = (key: string): string =>
    path.posix.isAbsolute(key) ? key : path.posix.relative(cwd === '.' ? '' : cwd, key) || '.'
  const stageName = (name: string): string => {
    if (name.endsWith('.dvc')) return rel(name)
    const at = name.indexOf('dvc.yaml:')
    const file = at < 0 ? 'dvc.yaml' : name.slice(0, at + 'dvc.yaml'.length)
    const stage = at < 0 ? name : name.slice(at + 'dvc.yaml:'.length)
    const dir = path.posix.dirname(file)
    return dir === (cwd === '' ? '.' : cwd) ? stage : `${rel(file)}:${stage}`
  }
  const rekey = (item: unknown): unknown => {
    if (typeof item === 'string') return item
    return Object.fromEntries(
      Object.entries(item as Record<string, Record<string, unknown>>).map(([k, paths]) => [
        k,
        Object.fromEntries(Object.entries(paths).map(([p, v]) => [rel(p), v]))
      ])
    )
  }
  return Object.fromEntries(
    stages.filter(s => s.dvcStatus.length > 0).map(s => [stageName(s.name), s.dvcStatus.map(rekey)])
  )
}

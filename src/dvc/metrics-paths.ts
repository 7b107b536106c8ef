import path from 'node:path'
import { guardRoot } from '../files/paths.js'
import { resolveProject } from './project.js'
import { parseYaml } from './yaml-file.js'

/**
 * The metrics files a dvc.yaml declares, after `foreach`/`matrix` expansion and `${}`
 * resolution from `vars` and params.yaml, as `dvc metrics show` reads them: top-level
 * `metrics:` (relative to the dvc.yaml) and each stage's `metrics:` outputs (relative to its
 * wdir). Paths are relative to the project root, '/'-separated. Throws ConfigurationError with
 * file and line when the file cannot be resolved (an undefined `${}` name, a bad foreach).
 */
export function resolvedMetricsPaths(root: string, text: string, allowExternal: boolean): string[] {
  const project = resolveProject(
    { base: guardRoot(root), allowExternal },
    parseYaml(text, 'dvc.yaml'),
    text
  )
  const found = new Set<string>()
  const add = (wdir: string, p: string): void => {
    found.add(path.posix.normalize(path.posix.join(wdir, p.replace(/\\/g, '/'))))
  }
  for (const m of project.metrics) add('.', m)
  for (const stage of project.stages) for (const m of stage.metrics ?? []) add(stage.wdir, m)
  return [...found]
}

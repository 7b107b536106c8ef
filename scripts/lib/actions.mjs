// The one list of the suite's actions: every top-level folder that holds an action.yml (the
// path users write after the repository: owner/model-governance/<name>@v1). The build, the
// generated reference, the tests and the benchmarks all read it from here, so an action added
// (or removed) is picked up everywhere at once.
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '..', '..')

/** Names of the actions, sorted. */
export function actionNames(root = ROOT) {
  return readdirSync(root, { withFileTypes: true })
    .filter(entry => entry.isDirectory() && existsSync(path.join(root, entry.name, 'action.yml')))
    .map(entry => entry.name)
    .sort()
}

// A type that dvc-file.ts (which makes it) and project.ts (whose stages carry it) share: apart
// from both, so neither imports the other back (test/unit/import-cycles.test.ts).

/** Where an import's data came from: never read here (another repository or a URL). */
export interface ImportSource {
  /** As written in the `.dvc` file's `deps`. */
  path: string
  /** `dvc import`: the source repository. */
  repo?: { url: string; rev?: string; revLock?: string }
  /** `import-url` from a URL (not a local path): which scheme. */
  remote?: string
}

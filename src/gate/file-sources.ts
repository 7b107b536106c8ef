import path from 'node:path'
import { FieldError } from '../core/errors.js'
import { guardPath, guardRoot, requireAccepted } from '../files/paths.js'
import { readAcceptedSync, readRequiredSync } from '../files/read.js'
import { resolvedMetricsPaths } from '../dvc/metrics-paths.js'
import { locateMetricLine } from './locate-metric.js'
import { metricsFromText } from './metrics-file.js'
import type { MetricObservation } from './types.js'

/** A metrics file as read from the workspace, kept for locating a failing key's line. */
export interface LoadedFile {
  file: string
  text: string
  observations: MetricObservation[]
}

/** `metrics-files` is one path per line (commas also separate); `#` starts a comment. */
export function listInputFiles(text: string | undefined): string[] {
  if (!text) return []
  return text
    .split(/\r?\n/)
    .map(line => line.replace(/#.*$/, ''))
    .flatMap(line => line.split(','))
    .map(p => p.trim())
    .filter(p => p !== '')
}

function slashes(p: string): string {
  return p.split(path.sep).join('/')
}

/**
 * The metrics files declared in the workspace's dvc.yaml: top-level `metrics:` and each stage's
 * `metrics:` outputs (relative to its `wdir`), the same set `dvc metrics show` reads.
 */
export function dvcDeclaredMetrics(workspace: string, allowExternal = false): string[] {
  const safe = requireAccepted(
    guardPath(guardRoot(workspace), 'dvc.yaml', { allowExternal }),
    "dvc.yaml (read because 'dvc-metrics' is true)"
  )
  const bytes = readAcceptedSync(safe, { display: 'dvc.yaml' })
  if (bytes === undefined) {
    throw new FieldError(
      'dvc-metrics',
      "is true but there is no dvc.yaml in the workspace; check out the DVC project first or set 'dvc-metrics' to false"
    )
  }
  // One dvc.yaml reader (src/dvc): YAML 1.2 as DVC reads it, `${}`, `vars`, params and
  // foreach/matrix resolved as DVC resolves them. A file DVC could not resolve either is an
  // error naming the file and line, not a guess at the literal paths.
  return resolvedMetricsPaths(workspace, bytes.toString('utf8'), allowExternal)
}

/**
 * Reads and flattens each file once, in order. Every path (from metrics-files or dvc.yaml) goes
 * through the path guard: outside the workspace it is refused unless allow-external is true,
 * and only regular files are opened. A missing, refused or unreadable file is a
 * ConfigurationError that names the path, never the contents.
 */
export function loadMetricsFiles(
  workspace: string,
  files: string[],
  allowExternal = false
): LoadedFile[] {
  const base = guardRoot(workspace)
  const seen = new Set<string>()
  const loaded: LoadedFile[] = []
  for (const file of files) {
    const safe = requireAccepted(
      guardPath(base, file, { allowExternal, absoluteInside: true }),
      `Metrics file ${file} (from metrics-files or dvc.yaml)`
    )
    const full = safe.abs
    if (seen.has(full)) continue
    seen.add(full)
    const shown = slashes(path.relative(workspace, full)) || file
    const text = readRequiredSync(safe, {
      display: `Metrics file ${shown}`,
      location: { file: shown },
      missing: `Metrics file ${shown} does not exist in ${workspace}; fix the path in metrics-files (or dvc.yaml), or produce the file first (dvc pull / dvc repro)`
    }).toString('utf8')
    loaded.push({ file: shown, text, observations: metricsFromText(text, shown) })
  }
  return loaded
}

/** The line a file metric is defined on, for an annotation. */
export function lineOf(
  files: LoadedFile[],
  file: string,
  keyPath: string[] | undefined
): number | undefined {
  const loaded = files.find(f => f.file === file)
  return loaded && keyPath ? locateMetricLine(loaded.text, loaded.file, keyPath) : undefined
}

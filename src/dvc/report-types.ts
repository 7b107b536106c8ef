/** The verifier's result: what the action prints, outputs as `report`, and tests compare with DVC. */
export type EntryStatus = 'unchanged' | 'modified' | 'deleted' | 'new' | 'not-checked' | 'refused'

export interface EntryReport {
  kind: 'dep' | 'out' | 'param'
  /** As written in dvc.yaml (relative to the stage wdir); for params, the params file. */
  path: string
  /** Params only: the key. */
  key?: string
  /** What the lock records (md5, `.dir` md5, or the param value as JSON). */
  expected?: string
  actual?: string
  /** Which algorithm produced `actual`: md5, md5-dos2unix (legacy entries) or params. */
  hash?: 'md5' | 'md5-dos2unix' | 'params'
  status: EntryStatus
  /** Data not present in the workspace (DVC says `deleted`); governed by missing-data. */
  missingData?: boolean
  note?: string
  /** 1-based line of the entry in dvc.lock, for annotations. */
  lockLine?: number
  /**
   * Deps only: the stage (or `.dvc` file) whose output this is, so the report shows the data
   * sources of each stage, e.g. `data/train.csv.dvc`.
   */
  producedBy?: string
}

/** One element of a stage's `dvc status --json` list. */
export type DvcStatusItem =
  string | { 'changed deps': Record<string, unknown> } | { 'changed outs': Record<string, unknown> }

export interface StageReport {
  name: string
  neverRun: boolean
  frozen: boolean
  alwaysChanged: boolean
  cmdChanged: boolean
  /** `.dvc` files: the stage md5 in the file is not what DVC computes for its content. */
  checksumChanged?: boolean
  expectedCmd?: string | string[]
  actualCmd: string | string[]
  entries: EntryReport[]
  /** Exactly what `dvc status --json` would list for this stage (empty = up to date). */
  dvcStatus: DvcStatusItem[]
}

export interface CrossStageMismatch {
  stage: string
  dep: string
  producer: string
  depMd5?: string
  outMd5?: string
}

export interface LineageReport {
  verified: boolean
  lockSha256: string
  /** The lock files (dvc.lock of each pipeline, each .dvc file) behind lockSha256. */
  lockFiles?: { path: string; sha256: string }[]
  stages: StageReport[]
  crossStage: CrossStageMismatch[]
  refused: { path: string; reason: string }[]
  missing: string[]
  problems: { message: string; file?: string; line?: number }[]
  warnings: string[]
}

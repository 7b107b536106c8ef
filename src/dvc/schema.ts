import * as z from 'zod'

/** dvc.lock (schema '2.0', dvc/schema.py). Unknown keys are kept: newer DVC may add some. */
export const lockEntrySchema = z
  .object({
    path: z.string(),
    hash: z.string().optional(),
    md5: z.string().optional(),
    size: z.number().optional(),
    nfiles: z.number().optional(),
    isexec: z.boolean().optional(),
    files: z
      .array(z.object({ relpath: z.string(), md5: z.string().optional() }).passthrough())
      .optional()
  })
  .passthrough()
export type LockEntry = z.infer<typeof lockEntrySchema>

export const lockStageSchema = z
  .object({
    cmd: z.union([z.string(), z.array(z.string())]),
    deps: z.array(lockEntrySchema).optional().default([]),
    params: z
      .record(z.string(), z.record(z.string(), z.unknown()).nullable())
      .optional()
      .default({}),
    outs: z.array(lockEntrySchema).optional().default([])
  })
  .passthrough()
export type LockStage = z.infer<typeof lockStageSchema>

export const lockFileSchema = z.object({
  schema: z.literal('2.0', {
    message:
      "dvc.lock needs schema: '2.0' (lockfile v1 was dropped in DVC 3); run `dvc repro` with DVC 3"
  }),
  stages: z.record(z.string(), lockStageSchema).optional().default({})
})
export type LockFile = z.infer<typeof lockFileSchema>

const outSpec = z.union([
  z.string(),
  z.record(z.string(), z.object({ cache: z.boolean().optional() }).passthrough().nullable())
])
const paramSpec = z.union([z.string(), z.record(z.string(), z.array(z.string()).nullable())])

/** One stage after `${}` resolution (foreach/matrix already expanded). */
export const stageSchema = z
  .object({
    cmd: z.union([z.string(), z.array(z.string())]),
    wdir: z.string().optional(),
    deps: z.array(z.string()).optional().default([]),
    params: z.array(paramSpec).optional().default([]),
    outs: z.array(outSpec).optional().default([]),
    metrics: z.array(outSpec).optional().default([]),
    plots: z
      .array(z.union([outSpec, z.record(z.string(), z.unknown())]))
      .optional()
      .default([]),
    frozen: z.boolean().optional().default(false),
    always_changed: z.boolean().optional().default(false)
  })
  .passthrough()

export const artifactSchema = z
  .object({ path: z.string(), type: z.string().optional(), desc: z.string().optional() })
  .passthrough()

export const dvcYamlSchema = z
  .object({
    stages: z.record(z.string(), z.record(z.string(), z.unknown())).optional().default({}),
    vars: z
      .array(z.union([z.string(), z.record(z.string(), z.unknown())]))
      .optional()
      .default([]),
    artifacts: z.record(z.string(), artifactSchema).optional().default({})
  })
  .passthrough()

import * as z from 'zod'

/**
 * Response shapes. MLflow omits unset and empty fields, so everything not always present is
 * optional, and arrays default to empty.
 */

const tag = z.object({ key: z.string(), value: z.string().optional().default('') })
/** int64 values arrive as numbers, or as strings through some proxies. */
const int64 = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number)
])
/** Protobuf JSON writes NaN and Infinity as strings. */
const metricValue = z.union([
  z.number(),
  z.enum(['NaN', 'Infinity', '-Infinity']).transform(Number)
])

export const modelVersionSchema = z.object({
  name: z.string(),
  version: z.union([z.string(), z.number().transform(String)]),
  creation_timestamp: int64.optional(),
  last_updated_timestamp: int64.optional(),
  user_id: z.string().optional(),
  current_stage: z.string().optional().default('None'),
  description: z.string().optional(),
  source: z.string().optional(),
  run_id: z.string().optional(),
  run_link: z.string().optional(),
  status: z.string().optional().default('READY'),
  status_message: z.string().optional(),
  tags: z.array(tag).optional().default([]),
  aliases: z.array(z.string()).optional().default([]),
  model_id: z.string().optional()
})
export type ModelVersion = z.infer<typeof modelVersionSchema>

export const registeredModelSchema = z.object({
  name: z.string(),
  creation_timestamp: int64.optional(),
  last_updated_timestamp: int64.optional(),
  user_id: z.string().optional(),
  description: z.string().optional(),
  latest_versions: z.array(modelVersionSchema).optional().default([]),
  tags: z.array(tag).optional().default([]),
  aliases: z
    .array(
      z.object({ alias: z.string(), version: z.union([z.string(), z.number().transform(String)]) })
    )
    .optional()
    .default([])
})
export type RegisteredModel = z.infer<typeof registeredModelSchema>

export const metricSchema = z.object({
  key: z.string(),
  value: metricValue,
  timestamp: int64.optional(),
  step: int64.optional().default(0)
})
export type Metric = z.infer<typeof metricSchema>

/** What runs and logged models both carry: where they live and how they ended. */
const trackedRecord = {
  experiment_id: z.string().optional(),
  artifact_uri: z.string().optional(),
  status: z.string().optional()
}

export const runSchema = z.object({
  info: z.object({
    run_id: z.string(),
    ...trackedRecord,
    run_name: z.string().optional(),
    user_id: z.string().optional(),
    start_time: int64.optional(),
    end_time: int64.optional(),
    lifecycle_stage: z.string().optional()
  }),
  data: z
    .object({
      metrics: z.array(metricSchema).optional().default([]),
      params: z.array(tag).optional().default([]),
      tags: z.array(tag).optional().default([])
    })
    .optional()
    .default({ metrics: [], params: [], tags: [] })
})
export type Run = z.infer<typeof runSchema>

export const loggedModelSchema = z.object({
  info: z.object({
    model_id: z.string(),
    ...trackedRecord,
    name: z.string().optional(),
    source_run_id: z.string().optional(),
    tags: z.array(tag).optional().default([])
  }),
  data: z
    .object({
      params: z.array(tag).optional().default([]),
      metrics: z
        .array(
          metricSchema.extend({
            dataset_name: z.string().optional(),
            dataset_digest: z.string().optional(),
            run_id: z.string().optional()
          })
        )
        .optional()
        .default([])
    })
    .optional()
    .default({ params: [], metrics: [] })
})
export type LoggedModel = z.infer<typeof loggedModelSchema>

export const empty = z.object({}).passthrough()

/** A folder listing, as both artifacts/list and the artifact proxy answer it. */
export const artifactListSchema = z.object({
  files: z
    .array(
      z.object({
        path: z.string(),
        is_dir: z.boolean().optional().default(false),
        file_size: z.union([z.number(), z.string().transform(Number)]).optional()
      })
    )
    .optional()
    .default([])
})

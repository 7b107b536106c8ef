import * as z from 'zod'

/** A lineage level (1 strongest … 4 no link), or null where none was recorded or it predates levels. */
const lineageLevel = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]).nullable()

/** The --json documents of docs/cli.md, written independently of the code that prints them. */
const version = z.string().regex(/^\d+$/).nullable()

export const findingSchema = z
  .object({
    model: z.string(),
    kind: z.enum(['stage', 'alias']),
    target: z.string(),
    registry_version: version,
    audited_version: version,
    last_updated_timestamp: z.number().int().positive().nullable(),
    last_updated: z.string().datetime().nullable(),
    user_id: z.string().nullable(),
    audit_seq: z.number().int().positive().nullable()
  })
  .strict()

/** The one trust verdict every reader prints (src/audit/verdict.ts). */
const checkSchema = z
  .object({ state: z.enum(['verified', 'findings', 'not-available']), note: z.string() })
  .strict()
export const trustSchema = z
  .object({ chain: checkSchema, history: checkSchema, github: checkSchema, statement: z.string() })
  .strict()

export const reconcileSchema = z
  .object({
    in_sync: z.boolean(),
    registry: z.string().regex(/^https?:\/\/[^/]+$/),
    audit_file: z.string(),
    models: z.array(z.string()),
    findings: z.array(findingSchema),
    trust: trustSchema,
    targets: z.array(
      z
        .object({
          model: z.string(),
          kind: z.enum(['stage', 'alias']),
          target: z.string(),
          registry_version: version,
          audited_version: version,
          in_sync: z.boolean()
        })
        .strict()
    )
  })
  .strict()

export const statusSchema = z
  .object({
    model: z.string(),
    registry: z.string(),
    audit_file: z.string(),
    in_sync: z.boolean(),
    targets: z.array(
      z
        .object({
          kind: z.enum(['stage', 'alias']),
          target: z.string(),
          version,
          audited_version: version,
          drift: z.boolean(),
          since: z.string().datetime().nullable(),
          promoted_by: z.string().nullable(),
          approved_by: z.array(z.string()),
          reason: z.string().nullable(),
          run_url: z.string().url().nullable(),
          lock_sha256: z
            .string()
            .regex(/^[0-9a-f]{64}$/)
            .nullable(),
          model_md5: z
            .string()
            .regex(/^[0-9a-f]{32}$/)
            .nullable(),
          source: z.enum(['audit-log', 'tags', 'none']),
          audit_seq: z.number().int().positive().nullable(),
          registry_last_updated: z.string().datetime().nullable(),
          registry_user: z.string().nullable(),
          uri: z
            .string()
            .regex(/^models:\/.+\/\d+$/)
            .nullable(),
          event: z.enum(['promote', 'rollback']).nullable(),
          approvals: z.array(
            z
              .object({
                login: z.string(),
                role: z.string().nullable(),
                environments: z.array(z.string()),
                state: z.string(),
                comment: z.string()
              })
              .strict()
          ),
          trained_by: z
            .object({
              run_id: z.string().nullable(),
              run_name: z.string().nullable(),
              experiment_id: z.string().nullable(),
              user: z.string().nullable(),
              start_time: z.string().datetime().nullable(),
              end_time: z.string().datetime().nullable(),
              status: z.string().nullable(),
              source_commit: z.string().nullable(),
              source_name: z.string().nullable(),
              model_source: z.string().nullable(),
              unavailable: z.string().nullable()
            })
            .strict()
            .nullable(),
          data: z
            .object({
              recorded: z
                .object({
                  lock_sha256: z.string(),
                  model_md5: z.string(),
                  verified: z.boolean().nullable(),
                  level: lineageLevel,
                  level_text: z.string().min(1),
                  seq: z.number().int().positive(),
                  git_commit: z.string(),
                  commit: z.string()
                })
                .strict()
                .nullable(),
              lock: z
                .union([
                  z.object({ commit: z.string(), stages: z.array(z.unknown()) }).strict(),
                  z.object({ commit: z.string(), unavailable: z.string() }).strict()
                ])
                .nullable()
            })
            .strict(),
          commit: z
            .string()
            .regex(/^[0-9a-f]{7,64}$/)
            .nullable(),
          commit_note: z.string().nullable(),
          lineage_level: lineageLevel,
          lineage_level_text: z.string().min(1),
          reproduce: z.array(z.string())
        })
        .strict()
    ),
    trust: trustSchema
  })
  .strict()

export const historySchema = z
  .object({
    model: z.string(),
    audit_file: z.string(),
    chain: z
      .object({
        valid: z.boolean(),
        entries: z.number().int(),
        head_sha256: z.string().regex(/^[0-9a-f]{64}$/),
        first_bad_line: z.number().nullable()
      })
      .strict(),
    events: z.array(
      z
        .object({
          v: z.literal(1),
          seq: z.number().int().positive(),
          ts: z.string().datetime(),
          event: z.string(),
          outcome: z.enum(['success', 'failure']),
          model: z.string(),
          version: z.string(),
          from: z.string(),
          to: z.string(),
          actor: z.string()
        })
        .passthrough()
    ),
    not_counted: z.array(z.object({ line: z.number().int(), reason: z.string() }).strict()),
    trust: trustSchema
  })
  .strict()

export const verifySchema = z
  .object({
    file: z.string(),
    valid: z.boolean(),
    entries: z.number().int().nonnegative(),
    head_sha256: z.string().regex(/^[0-9a-f]{64}$/),
    first_bad_line: z.number().int().positive().nullable(),
    first_bad_reason: z.string().nullable(),
    first_bad_commit: z.string().nullable(),
    history: z.union([
      z.object({ checked: z.literal(false), skipped: z.string() }).strict(),
      z
        .object({
          checked: z.literal(true),
          commits: z.number().int().nonnegative(),
          signatures: z.record(z.string(), z.number().int()),
          findings: z.array(
            z
              .object({ line: z.number().int().positive(), commit: z.string(), reason: z.string() })
              .strict()
          )
        })
        .strict()
    ]),
    runs: z.unknown().optional(),
    trust: trustSchema
  })
  .strict()

export const errorSchema = z
  .object({ error: z.object({ exit_code: z.number().int(), message: z.string() }).strict() })
  .strict()

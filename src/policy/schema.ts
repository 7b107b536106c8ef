import * as z from 'zod'

/**
 * The governance policy: one YAML file every action reads (default .github/model-governance.yml).
 * It accepts the `model_registry:` block of an .mlflow/config.yaml as is and extends each stage
 * with the keys the suite needs. docs/policy.md documents every key with a complete example.
 */

/** A relative (`1%`) or absolute (`0.01`) tolerance, as in MLflow's MetricThreshold. */
export const toleranceSchema = z.union([
  z.number().nonnegative(),
  z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?%$|^\d+(\.\d+)?$/, 'use a number such as 0.01 or a percentage such as 1%')
])

export const championMetricSchema = z
  .object({
    max_regression: toleranceSchema.optional(),
    min_improvement: toleranceSchema.optional(),
    greater_is_better: z.boolean().optional()
  })
  .strict()

export const championSchema = z
  .object({
    /** `stage:Production`, `alias:<name>` or a version number; defaults to the stage's current holder. */
    compare_to: z.union([z.string(), z.number().transform(String)]).optional(),
    metrics: z.record(z.string(), championMetricSchema).default({})
  })
  .strict()

/** Gates: a list of rule lines, or one multi-line string. */
const gatesSchema = z
  .union([z.array(z.string()), z.string().transform(text => text.split('\n'))])
  .transform(lines => lines.map(l => l.trim()).filter(l => l !== ''))

/** A GitHub login: letters, digits and single hyphens, at most 39 characters. */
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/
/** A team, written @org/team-slug. */
const TEAM = /^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9][A-Za-z0-9._-]*$/

/**
 * Approvers: GitHub logins (a leading @ is dropped: @alice is alice) and teams written
 * @org/team-slug, kept with their @ so they are never compared as logins. Anything else is refused:
 * it could never match a reviewer.
 */
const approverListSchema = z
  .union([z.array(z.string()), z.string().transform(s => s.split(','))])
  .transform(list => list.map(a => a.trim()).filter(a => a !== ''))
  .transform(list => list.map(a => (TEAM.test(a) ? a.toLowerCase() : a.replace(/^@/, ''))))
  .refine(list => list.every(a => a.startsWith('@') || LOGIN.test(a)), {
    message:
      'an approver is a GitHub login (alice) or a team written @org/team-slug; check the spelling'
  })

/** GitHub environment names as the suite accepts them; also what a stage name turns into. */
export const ENVIRONMENT_NAME = /^[\w.-]+$/

/** One role that must sign off a stage: the environment whose required reviewers stand for it. */
export const signOffSchema = z
  .object({
    role: z.string().trim().min(1),
    environment: z
      .string()
      .trim()
      .regex(ENVIRONMENT_NAME, 'use a GitHub environment name (letters, digits, . _ -)'),
    approvers: approverListSchema.default([])
  })
  .strict()
export type SignOffRole = z.output<typeof signOffSchema>

/**
 * The weakest lineage level a promotion accepts (src/dvc/lineage-level.ts): 1 the registered
 * bytes are the DVC output, 2 the run logged the DVC output's bytes, 3 the run was recorded at
 * the lineage commit (or an ancestor differing only in what `dvc repro` writes), 4 no link.
 */
export const lineageRuleSchema = z
  .object({
    min_level: z
      .number()
      .int()
      .min(1, 'use 1 (strongest) to 4 (no link)')
      .max(4, 'use 1 (strongest) to 4 (no link)')
  })
  .strict()

export const stageSchema = z
  .object({
    name: z.string().trim().min(1),
    description: z.string().optional(),
    requires_approval: z.boolean().default(false),
    approvers: approverListSchema.default([]),
    gates: gatesSchema.default([]),
    champion: championSchema.optional(),
    /** `required`/`optional` (earlier form, kept), or `{ min_level }` for this stage. */
    lineage: z.union([z.enum(['required', 'optional']), lineageRuleSchema]).default('optional'),
    environment: z
      .string()
      .trim()
      .regex(ENVIRONMENT_NAME, 'use a GitHub environment name (letters, digits, . _ -)')
      .optional(),
    min_approvals: z.number().int().min(0).max(6).optional(),
    /** Roles that must each sign off, each through an environment of its own. */
    sign_off: z.array(signOffSchema).min(1).optional(),
    allow_self_approval: z.boolean().default(false),
    alias: z
      .string()
      .trim()
      .regex(/^[\w-]+$/, 'use an MLflow alias (letters, digits, _ and -)')
      .optional()
  })
  .strict()
export type StagePolicyInput = z.input<typeof stageSchema>
export type StagePolicy = z.output<typeof stageSchema>

/**
 * A per-model override: stages are merged by name onto the global ones. Its fields carry no
 * defaults, or an override that sets one key would reset every other key to its default.
 */
const stageOverrideSchema = z
  .object(
    Object.fromEntries(
      Object.entries(stageSchema.shape).map(([key, field]) => [
        key,
        key === 'name'
          ? field
          : (field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : field).optional()
      ])
    )
  )
  .strict() as unknown as z.ZodType<Partial<z.output<typeof stageSchema>> & { name: string }>

export const registryModeSchema = z.enum(['stages', 'aliases', 'both'])
export type RegistryMode = z.infer<typeof registryModeSchema>

const registrySchema = z
  .object({ mode: registryModeSchema.default('stages') })
  .strict()
  .default({ mode: 'stages' })

export const modelOverrideSchema = z
  .object({
    registry: z.object({ mode: registryModeSchema }).strict().optional(),
    allow_skip: z.boolean().optional(),
    stages: z.array(stageOverrideSchema).default([])
  })
  .strict()

/** A workflow file of this repository, as GitHub names it in a run's `path`. */
const WORKFLOW_PATH = /^\.github\/workflows\/[\w.-]+\.ya?ml$/
/** owner/repo/.github/workflows/file.yml@ref, as GitHub names a called workflow. */
const PINNED_WORKFLOW = /^[\w.-]+\/[\w.-]+\/\.github\/workflows\/[\w.-]+\.ya?ml@[\w./-]+$/

/**
 * What GitHub's record of a run must show for its audit entry to count as a governed event (the
 * run check, docs/security.md): the caller workflows whose workflow_dispatch runs on the default
 * branch may promote, the drift-check workflows that may record drift, and the release of the
 * approval workflow they must call, ref included.
 */
export const governanceSchema = z
  .object({
    caller_workflows: z
      .array(
        z.string().trim().regex(WORKFLOW_PATH, 'use a path such as .github/workflows/promote.yml')
      )
      .min(1)
      .default(['.github/workflows/promote.yml', '.github/workflows/rollback.yml']),
    drift_workflows: z
      .array(
        z
          .string()
          .trim()
          .regex(WORKFLOW_PATH, 'use a path such as .github/workflows/drift-check.yml')
      )
      .default(['.github/workflows/drift-check.yml']),
    approval_workflows: z
      .array(
        z
          .string()
          .trim()
          .regex(
            PINNED_WORKFLOW,
            'use owner/repo/.github/workflows/model-approval.yml@<ref>, the ref your callers pin (a full commit SHA or a tag)'
          )
      )
      .default([])
  })
  .strict()
export type Governance = z.output<typeof governanceSchema>

export const policyFileSchema = z.object({
  version: z.literal(1).optional(),
  registry: registrySchema,
  /** Allows promotions that skip a stage in the order (also the allow-skip input). */
  allow_skip: z.boolean().default(false),
  /** The minimum lineage level of every stage that sets none of its own. */
  lineage: lineageRuleSchema.optional(),
  stages: z.array(stageSchema).optional(),
  model_registry: z
    .object({ stages: z.array(stageSchema).optional() })
    .passthrough()
    .optional(),
  models: z.record(z.string(), modelOverrideSchema).default({}),
  governance: governanceSchema.default({
    caller_workflows: ['.github/workflows/promote.yml', '.github/workflows/rollback.yml'],
    drift_workflows: ['.github/workflows/drift-check.yml'],
    approval_workflows: []
  })
})
export type PolicyFile = z.output<typeof policyFileSchema>

/** Top-level keys the suite reads; anything else is warned about, not refused (but see below). */
export const KNOWN_TOP_LEVEL_KEYS = new Set(Object.keys(policyFileSchema.shape))

/**
 * MLflow's own settings, which an .mlflow/config.yaml holds beside `model_registry` (the options
 * of `mlflow server` and of its client, underscored). The suite reads none of them, but they
 * belong in that file, so they are recognised and passed over without a warning.
 */
export const MLFLOW_SETTING_KEYS = new Set([
  'backend_store',
  'backend_store_uri',
  'default_artifact_root',
  'artifacts_destination',
  'serve_artifacts',
  'artifacts_only',
  'registry_store',
  'registry_store_uri',
  'registry_uri',
  'tracking_uri',
  'experiment_name',
  'host',
  'port',
  'workers',
  'static_prefix',
  'allowed_hosts',
  'cors_allowed_origins',
  'x_frame_options',
  'app_name',
  'expose_prometheus',
  'gunicorn_opts',
  'waitress_opts',
  'uvicorn_opts'
])

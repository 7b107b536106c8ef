import { refuseLinkedFile } from '../../src/audit/verify.js'
import { ConfigurationError } from '../../src/core/errors.js'
import type { ActionContext } from '../../src/core/run.js'
import { systemClock } from '../../src/core/time.js'
import { workspaceDir } from '../../src/core/workspace.js'
import { guardPath, guardRoot, requireAccepted } from '../../src/files/paths.js'
import { readAcceptedSync } from '../../src/files/read.js'
import { runContext } from '../../src/github/context.js'
import { lazyGithubClient } from '../../src/github/lazy-client.js'
import { createMlflowClient } from '../../src/mlflow/index.js'
import { loadPolicy } from '../../src/policy/index.js'
import { promote, promotionOutputs, promotionSummary } from '../../src/promotion/index.js'
import {
  registerCandidate,
  registrationOutputs,
  registrationSummary,
  type RegistrationResult
} from '../../src/registration/index.js'
import type { inputs } from './inputs.js'

type Specs = typeof inputs.specs

/** Rollback reads the whole log; one of 100,000 entries is about 150 MiB. */
const AUDIT_LOG_LIMIT = 512 * 1024 * 1024

export async function main(ctx: ActionContext<Specs>): Promise<void> {
  const { inputs: input, logger, env } = ctx
  const workspace = workspaceDir(env)
  const model = input['model-name']
  const policy = loadPolicy({ policyFile: input['policy-file'], workspace, model, logger })
  const client = createMlflowClient(input, env, logger, value => ctx.setSecret(value))
  const run = runContext(env)
  if (input.source && (input.version || input.rollback)) {
    throw new ConfigurationError(
      "Input 'source' registers a new version and promotes that one; leave version empty and rollback false with it."
    )
  }
  let registration: RegistrationResult | undefined
  let result
  try {
    if (input.source) {
      registration = await registerCandidate(
        {
          model,
          source: input.source,
          runId: input['source-run-id'],
          createModel: input['create-model'],
          lineage: {
            gitCommit: input['git-commit'],
            lockSha256: input['lock-sha256'],
            modelMd5: input['model-md5']
          },
          tagPrefix: input['tag-prefix'],
          timeoutMs: input['timeout-seconds'] * 1000,
          dryRun: input['dry-run']
        },
        { registry: client, run, clock: systemClock, logger }
      )
    }
    // Registration alone leaves the candidate in None; a dry run that would register has no version to promote yet.
    if (registration && (!registration.version || !(input.stage || input.alias))) {
      setOutputs(ctx, registrationOutputs(registration))
      ctx.summary.add(registrationSummary(registration))
      return
    }
    result = await promote(
      {
        model,
        version: registration?.version ?? input.version,
        stage: input.stage,
        alias: input.alias,
        archiveExisting: input['archive-existing'],
        allowSkip: input['allow-skip'],
        expectedPreviousVersion: input['expected-previous-version'],
        rollback: input.rollback,
        dryRun: input['dry-run'],
        timeoutMs: input['timeout-seconds'] * 1000,
        consistentReads: input['consistent-reads'],
        tagPrefix: input['tag-prefix']
      },
      {
        registry: client,
        policy,
        run,
        github: lazyGithubClient({
          token: input['github-token'] ?? env.GITHUB_TOKEN,
          apiUrl: run.apiUrl,
          setSecret: value => ctx.setSecret(value),
          purpose: 'the target stage requires approval'
        }),
        readAuditLog: () => readAuditFile(workspace, input['audit-file']),
        clock: systemClock,
        random: Math.random,
        logger
      }
    )
  } finally {
    // undici keeps idle sockets open; closing lets the process exit as soon as the work is done.
    await client.http.close()
  }
  setOutputs(ctx, {
    ...promotionOutputs(result),
    registered: String(registration?.registered ?? false),
    // a registration followed by a no-op promotion still changed the registry
    changed: String(result.changed || registration?.registered === true)
  })
  if (registration) ctx.summary.add(registrationSummary(registration))
  ctx.summary.add(promotionSummary(result))
}

function setOutputs(ctx: ActionContext<Specs>, outputs: Record<string, string>): void {
  for (const [name, value] of Object.entries(outputs)) ctx.setOutput(name, value)
}

/**
 * The audit log rollback reads, without following a link: a symlink could make it read any file
 * the runner can. Undefined when there is none.
 */
function readAuditFile(workspace: string, file: string): Buffer | undefined {
  // The one path guard decides where the file is and whether it may be read; the audit log's
  // own rule comes first: never a link at all, even one that stays inside.
  const guarded = guardPath(guardRoot(workspace), file, { allowExternal: false })
  refuseLinkedFile(guarded.abs, workspace, `Input 'audit-file' (${file})`)
  const safe = requireAccepted(
    guarded,
    `Input 'audit-file' (${file})`,
    undefined,
    'name a file in the repository'
  )
  return readAcceptedSync(safe, { display: file, limit: AUDIT_LOG_LIMIT })
}

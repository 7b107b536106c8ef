import { renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { AuditEntry } from '../../audit/entry.js'
import { readTrail } from '../../audit/trail.js'
import { ConfigurationError } from '../../core/errors.js'
import { createGitRunner } from '../../git/git.js'
import {
  buildEvidence,
  evidenceHtml,
  evidenceMarkdown,
  lockAtCommit,
  trainingFacts,
  type TrainingFacts
} from '../../provenance/index.js'
import { positionals } from '../args.js'
import { cliGithubTrust } from '../run-check.js'
import { cliTrailOptions } from '../audit-trust.js'
import { auditPath, mlflowClient, policyFor, type CommandContext } from '../context.js'
import { EXIT, UsageError, type ExitCode } from '../exit-codes.js'

/**
 * `evidence <model> --version N`: one document for an auditor. A broken trail still gets its pack
 * (that is what an auditor needs to see), marked failed, and the command exits 1.
 */
export async function evidenceCommand(ctx: CommandContext): Promise<ExitCode> {
  const [model] = positionals(ctx.args, ['model'], 1) as [string]
  const version = ctx.args.modelVersion
  if (!version)
    throw new UsageError(
      `'evidence' needs --version <n>; e.g. model-governance evidence ${model} --version 3 --format html --out evidence.html`
    )
  if (ctx.args.json && ctx.args.format && ctx.args.format !== 'json')
    throw new UsageError(`--json and --format ${ctx.args.format} disagree; pass one of them`)
  const format = ctx.args.json ? 'json' : (ctx.args.format ?? 'md')
  const file = auditPath(ctx)
  // The one trusted reader: the pack is built from the entries that pass every check that ran.
  const trail = await readTrail(file.full, cliTrailOptions(ctx))
  const report = trail.report
  if (!trail.exists)
    throw new ConfigurationError(
      `The audit log '${file.label}' does not exist; pass --file or --repo`
    )
  ctx.logger.notice(`${file.label}: ${trail.verdict.statement}`)
  // Every verified entry, with the ones not counted named: the pack lists them with why,
  // and never builds promotions, lineage or the timeline from them.
  const entries: AuditEntry[] = trail.entries.map(e => e.entry)
  const notCounted = new Map(trail.entries.filter(e => !e.counted).map(e => [e.line, e.why ?? '']))
  const mine = entries.filter(e => e.model === model)
  if (!mine.some(e => String(e.version ?? '') === version)) {
    const known = [...new Set(mine.map(e => String(e.version ?? '')).filter(Boolean))]
    throw new UsageError(
      `${file.label} has no verified entry for ${model} version ${version}` +
        (known.length > 0
          ? `; it names versions ${known.join(', ')}`
          : `; it names no version of ${model}`) +
        (report.chain.valid ? '' : ` (the chain breaks at line ${report.chain.firstBad?.line})`)
    )
  }
  let training: TrainingFacts | null = null
  if (ctx.io.env.MLFLOW_TRACKING_URI?.trim()) {
    training = await trainingFacts(mlflowClient(ctx), model, version)
  } else ctx.logger.warning('MLFLOW_TRACKING_URI is not set; the pack has no training run facts')
  // GitHub's record of each entry's run (the run check), when a token is given; otherwise the
  // pack says it could not tell a forgery from a genuine line.
  // With --check-runs the trusted reader has already read GitHub's record: use it, so no run is
  // requested twice.
  const github = trail.runs
    ? {
        verdict: trail.verdict.github,
        standings: new Map(trail.entries.map(e => [e.line, e.standing])),
        result: trail.runs
      }
    : await cliGithubTrust(ctx, entries)
  const pack0 = buildEvidence({
    model,
    version,
    auditFile: file.label,
    entries,
    report,
    trust: trail.verdict,
    notCounted,
    policy: policyFor(ctx)(model),
    training,
    data: null,
    now: new Date(),
    ...(github.result
      ? {
          github: {
            verdict: github.verdict,
            standings: github.standings,
            findings: github.result.findings
          }
        }
      : {}),
    ...(ctx.io.env.GITHUB_REPOSITORY ? { repository: ctx.io.env.GITHUB_REPOSITORY } : {})
  })
  const commit = pack0.lineage_commit
  const pack = commit
    ? {
        ...pack0,
        data: await lockAtCommit(createGitRunner(ctx.logger, ctx.root), ctx.root, commit)
      }
    : pack0
  const text =
    format === 'json'
      ? `${JSON.stringify(pack, null, 2)}\n`
      : format === 'html'
        ? evidenceHtml(pack)
        : evidenceMarkdown(pack)
  if (ctx.args.out) {
    const target = path.resolve(ctx.io.cwd, ctx.args.out)
    const temp = `${target}.${process.pid}.tmp`
    try {
      writeFileSync(temp, text)
      renameSync(temp, target)
    } catch (error) {
      throw new ConfigurationError(
        `Cannot write --out ${ctx.args.out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`
      )
    }
    ctx.io.stderr.write(`wrote ${ctx.args.out} (${format}, ${Buffer.byteLength(text)} bytes)\n`)
  } else ctx.io.stdout.write(text)
  if (!report.valid)
    ctx.logger.warning(
      `${file.label} line ${report.firstBad?.line} ${report.firstBad?.reason}; the pack is marked VERIFICATION FAILED`
    )
  return report.valid ? EXIT.ok : EXIT.problem
}

import path from 'node:path'
import { loadTrail } from '../../reconcile/audit-source.js'
import { countedEntries } from '../../audit/trail.js'
import type { TrustVerdict } from '../../audit/verdict.js'
import { requireKnownModels } from '../../reconcile/known-models.js'
import { abandonDownloads, fetchGoverned, resolveTarget } from '../../serving/index.js'
import type { ResolveResult, VerifiedDownload } from '../../serving/index.js'
import { positionals } from '../args.js'
import { auditTrust } from '../audit-trust.js'
import { auditPath, mlflowClient, policyFor, type CommandContext } from '../context.js'
import { EXIT, type ExitCode } from '../exit-codes.js'

function json(
  r: ResolveResult,
  file: string,
  download: (VerifiedDownload & { root: string; via: string; seq: number | null }) | undefined,
  trust: TrustVerdict
): unknown {
  return {
    trust,
    model: r.model,
    kind: r.target.kind,
    target: r.target.name,
    version: r.registryVersion,
    audited_version: r.auditedVersion,
    uri: r.uri,
    in_sync: r.inSync,
    governed: r.governed,
    problem: r.problem,
    model_md5: r.lineage?.model_md5 || null,
    artifact_digest: r.approved?.digest ?? null,
    lock_sha256: r.lineage?.lock_sha256 || null,
    lineage_seq: r.lineage?.seq ?? null,
    audit_seq: r.auditSeq,
    registry: r.server,
    audit_file: file,
    ...(download
      ? {
          download: {
            dir: download.dir,
            artifact: download.root,
            via: download.via,
            md5: download.md5,
            digest: download.digest,
            verified_against_seq: download.seq,
            files: download.files,
            bytes: download.bytes,
            verified: true
          }
        }
      : {})
  }
}

/**
 * `resolve <model> <stage|alias> [--download DIR]`: the governed version's URI, or exit 1; with
 * --download, its files, verified against the audit trail's md5 (src/serving/).
 */
export async function resolveCommand(ctx: CommandContext): Promise<ExitCode> {
  const [model, target] = positionals(ctx.args, ['model', 'stage|alias'], 2) as [string, string]
  const file = auditPath(ctx)
  const trail = await loadTrail(file.full, file.label, auditTrust(ctx))
  const entries = countedEntries(trail)
  const registry = mlflowClient(ctx)
  try {
    const resolved = await resolveTarget(
      { registry, policyFor: policyFor(ctx), entries },
      model,
      target
    )
    if (!resolved.governed) {
      // Not governed because nobody knows the model: say that, naming the models the trail knows.
      await requireKnownModels([model], entries, registry, file.label)
      if (ctx.args.json)
        ctx.out(JSON.stringify(json(resolved, file.label, undefined, trail.verdict), null, 2))
      ctx.logger.error?.(resolved.problem ?? 'no governed version')
      return EXIT.problem
    }
    let download: (VerifiedDownload & { root: string; via: string; seq: number | null }) | undefined
    if (ctx.args.download !== undefined) {
      // Stopped by a signal: the half-written temporary folder goes first, then the process.
      const onSignal = (signal: NodeJS.Signals): void => {
        for (const removed of abandonDownloads())
          ctx.io.stderr.write(`interrupted: removed ${removed}\n`)
        process.exit(signal === 'SIGINT' ? 130 : 143)
      }
      process.once('SIGINT', onSignal)
      process.once('SIGTERM', onSignal)
      try {
        download = await fetchGoverned(
          registry,
          resolved,
          path.resolve(ctx.io.cwd, ctx.args.download),
          // The store readers read the same variables as MLflow's client (AWS_*, GOOGLE_*, AZURE_*).
          { logger: ctx.logger, env: ctx.io.env }
        )
      } finally {
        process.off('SIGINT', onSignal)
        process.off('SIGTERM', onSignal)
      }
      ctx.logger.notice(
        `${resolved.uri} verified: ${download.compared} is ${download.md5}, as the audit trail recorded (seq ${download.seq}); ${download.files} file(s), ${download.bytes} bytes in ${download.dir}`
      )
    }
    ctx.out(
      ctx.args.json
        ? JSON.stringify(json(resolved, file.label, download, trail.verdict), null, 2)
        : resolved.uri!
    )
    return EXIT.ok
  } finally {
    await registry.http.close()
  }
}

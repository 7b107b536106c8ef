import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { ActionError, FieldError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import type { GitResult, GitRunner } from '../git/git.js'
import type { AuditStore, Tip, WriteResult } from './append.js'
import { hasUnsafeText } from '../core/text-safety.js'

export interface GitStoreOptions {
  /** The checked-out repository (the workspace). */
  repoDir: string
  /** Path of the audit file inside the repository, with '/' separators. */
  file: string
  branch: string
  push: boolean
  remote?: string
  author: { name: string; email: string }
}

/**
 * AUDIT.log committed with git plumbing: the commit is built from the branch tip by fast-import,
 * so the user's working tree and index are never touched and a retry simply rebuilds on
 * the new tip. The push is a plain fast-forward push; never --force.
 */
export class GitAuditStore implements AuditStore {
  readonly description: string
  private readonly remote: string
  /** Set by readTip: the commit the new one is based on (the tip, or HEAD for a new branch). */
  private base: string | null = null
  private readonly scratchRef = `refs/audit-log/scratch-${process.pid}-${randomBytes(4).toString('hex')}`

  constructor(
    private readonly git: GitRunner,
    private readonly options: GitStoreOptions,
    private readonly logger: Logger
  ) {
    this.remote = options.remote ?? 'origin'
    // The path goes into fast-import and cat-file streams: checked here too, not only by the action.
    repositoryPath(options.file)
    for (const [input, value] of [
      ['author-name', options.author.name],
      ['author-email', options.author.email]
    ] as const) {
      if (/[<>\n\r\0]/.test(value))
        throw new FieldError(
          input,
          'contains <, > or a line break, which git identities cannot hold; remove them'
        )
    }
    this.description = options.push
      ? `${this.remote}/${options.branch}`
      : `the local branch ${options.branch}`
  }

  private run(
    args: string[],
    extra: { allowFailure?: boolean; input?: string; env?: NodeJS.ProcessEnv } = {}
  ): Promise<GitResult> {
    return this.git.run(args, { cwd: this.options.repoDir, ...extra })
  }

  private async revParse(ref: string): Promise<string | null> {
    const result = await this.run(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
      allowFailure: true
    })
    return result.code === 0 ? result.stdout.trim() : null
  }

  async readTip(): Promise<Tip> {
    const { branch, push } = this.options
    let head: string | null
    if (push) {
      const tracking = `refs/remotes/${this.remote}/${branch}`
      const fetch = await this.run(
        ['fetch', '--quiet', '--no-tags', this.remote, `+refs/heads/${branch}:${tracking}`],
        {
          allowFailure: true
        }
      )
      if (fetch.code !== 0 && !/couldn't find remote ref/i.test(fetch.stderr)) {
        throw new ActionError(
          `git fetch ${this.remote} ${branch} failed: ${lastLines(fetch.stderr)}`
        )
      }
      head = fetch.code === 0 ? await this.revParse(tracking) : null
    } else {
      head = await this.revParse(`refs/heads/${branch}`)
    }
    // A branch that does not exist yet starts from the checked-out commit, like `git checkout -b`.
    this.base = head ?? (await this.revParse('HEAD'))
    if (!head)
      this.logger.info(
        `Branch ${branch} does not exist yet; it will be created from ${this.base ?? 'an empty tree'}`
      )
    return { head, content: this.base ? await this.readFile(this.base) : Buffer.alloc(0) }
  }

  private async readFile(commit: string): Promise<Buffer> {
    const { file } = this.options
    // One cat-file --batch call answers type, size and content together (this runs on every attempt).
    const out = Buffer.from(
      (await this.run(['cat-file', '--batch'], { input: `${commit}:${file}\n` })).stdout,
      'utf8'
    )
    const headerEnd = out.indexOf(10)
    const header = out.subarray(0, headerEnd).toString('utf8').split(' ')
    if (header[1] === 'missing') return Buffer.alloc(0)
    const [oid, type, size] = header
    if (type !== 'blob') {
      throw new FieldError(
        'file',
        `names '${file}', which is a ${type} in ${commit.slice(0, 12)}; point it at a regular file`
      )
    }
    const content = out.subarray(headerEnd + 1, headerEnd + 1 + Number(size))
    // The runner decodes stdout as UTF-8, so a file that is not UTF-8 comes back altered; appending
    // to altered bytes would rewrite history, so a size mismatch (or a doubtful U+FFFD) is refused.
    const doubtful = content.includes(Buffer.from('\uFFFD', 'utf8'))
    const sameSize =
      out.length >= headerEnd + 2 + Number(size) && out[headerEnd + 1 + Number(size)] === 10
    if (
      !sameSize ||
      (doubtful &&
        (
          await this.run(['hash-object', '--stdin'], { input: content.toString('utf8') })
        ).stdout.trim() !== oid)
    ) {
      throw new ActionError(
        `Refusing to append: ${file} at ${commit.slice(0, 12)} is not valid UTF-8; run mode 'verify' to find the line`
      )
    }
    return Buffer.from(content)
  }

  async write(tip: Tip, content: Buffer, message: string): Promise<WriteResult> {
    const { file, author, push } = this.options
    // One fast-import builds blob, tree and commit on top of the base: a short critical section
    // between fetch and push matters when many runners race. It writes a private scratch ref,
    // removed by close(); the branch itself only moves by push or compare-and-set.
    const stamp = `${Math.floor(Date.now() / 1000)} +0000`
    const identity = `${author.name} <${author.email}> ${stamp}`
    const stream = [
      `commit ${this.scratchRef}`,
      'mark :1',
      `author ${identity}`,
      `committer ${identity}`,
      `data ${Buffer.byteLength(message)}`,
      message,
      ...(this.base ? [`from ${this.base}`] : []),
      `M 100644 inline ${quotePath(file)}`,
      `data ${content.length}`,
      content.toString('utf8'),
      'get-mark :1',
      ''
    ].join('\n')
    const out = await this.run(['fast-import', '--quiet', '--force', '--done'], {
      input: `${stream}done\n`
    })
    const commit = out.stdout.trim()
    if (!/^[0-9a-f]{40,64}$/.test(commit))
      throw new ActionError(
        `git fast-import did not report the audit commit: ${lastLines(out.stderr)}`
      )
    if (push) return this.push(commit)
    return this.updateLocal(commit, tip.head)
  }

  async close(): Promise<void> {
    await this.run(['update-ref', '-d', this.scratchRef], { allowFailure: true })
  }

  private async push(commit: string): Promise<WriteResult> {
    const { branch } = this.options
    const result = await this.run(
      ['push', '--porcelain', this.remote, `${commit}:refs/heads/${branch}`],
      { allowFailure: true }
    )
    if (result.code === 0) {
      await this.fastForwardCheckout(commit)
      return { kind: 'committed', sha: commit }
    }
    const said = `${result.stdout}\n${result.stderr}`
    const refused = /\[remote rejected\][^\n]*\(([^)\n]*)\)/.exec(said)?.[1]
    // Two pushes that pass the fast-forward check together still race for the ref lock; the
    // loser is told "[remote rejected] (failed to update ref)": a race, not a refusal.
    if (
      refused !== undefined &&
      /failed to update ref|cannot lock ref|failed to lock|incorrect old value/i.test(refused)
    ) {
      return {
        kind: 'conflict',
        detail: `the branch moved while the push was applied (${refused})`
      }
    }
    if (refused !== undefined) {
      const remoteLines = result.stderr
        .split('\n')
        .filter(l => l.startsWith('remote:'))
        .map(l => l.replace(/^remote:\s*/, '').trim())
        .filter(Boolean)
      throw new ActionError(
        `The remote refused the audit commit on ${branch} (${refused})${remoteLines.length ? `: ${remoteLines.join(' ')}` : ''}. ` +
          'Nothing was recorded; allow this push (hook, branch protection) or use commit-method: api'
      )
    }
    if (/\[rejected\]|non-fast-forward|fetch first/.test(said))
      return { kind: 'conflict', detail: 'the branch moved (non-fast-forward)' }
    // Network and transport errors are worth another attempt; the final message keeps the text.
    return { kind: 'conflict', detail: `push failed: ${lastLines(result.stderr)}` }
  }

  private async updateLocal(commit: string, head: string | null): Promise<WriteResult> {
    const { branch } = this.options
    if (await this.isCheckedOut()) {
      const merge = await this.run(['merge', '--ff-only', '--quiet', commit], {
        allowFailure: true
      })
      if (merge.code !== 0) {
        throw new ActionError(
          `Could not fast-forward the checked-out branch ${branch} to the audit commit: ${lastLines(merge.stderr)}`
        )
      }
      return { kind: 'committed', sha: commit }
    }
    // update-ref with the old value is git's own compare-and-set.
    const update = await this.run(
      ['update-ref', `refs/heads/${branch}`, commit, head ?? '0'.repeat(40)],
      { allowFailure: true }
    )
    if (update.code !== 0)
      return { kind: 'conflict', detail: `the local branch moved (${lastLines(update.stderr)})` }
    return { kind: 'committed', sha: commit }
  }

  private async isCheckedOut(): Promise<boolean> {
    const head = await this.run(['symbolic-ref', '--quiet', 'HEAD'], { allowFailure: true })
    return head.code === 0 && head.stdout.trim() === `refs/heads/${this.options.branch}`
  }

  /** After a push, brings a checked-out copy of the branch along so later steps see the entry. */
  private async fastForwardCheckout(commit: string): Promise<void> {
    if (!(await this.isCheckedOut())) return
    const merge = await this.run(['merge', '--ff-only', '--quiet', commit], { allowFailure: true })
    if (merge.code !== 0) {
      this.logger.warning(
        `The audit commit was pushed, but the checked-out branch could not be fast-forwarded: ${lastLines(merge.stderr)}`
      )
    }
  }
}

/** fast-import's C-style quoted path, so spaces and quotes in a file name are safe. */
function quotePath(file: string): string {
  // repositoryPath already refused line breaks; escaping them too keeps this safe on its own.
  return `"${file
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')}"`
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' ')
}

/** The branch to record on when the `branch` input is empty: the checked-out one. */
export async function currentBranch(
  git: GitRunner,
  repoDir: string,
  env: NodeJS.ProcessEnv
): Promise<string> {
  const head = await git.run(['symbolic-ref', '--quiet', '--short', 'HEAD'], {
    cwd: repoDir,
    allowFailure: true
  })
  if (head.code === 0 && head.stdout.trim()) return head.stdout.trim()
  // actions/checkout leaves a detached HEAD for tags and pull requests; GITHUB_REF names the branch on pushes.
  const ref = env.GITHUB_REF?.trim()
  if (ref?.startsWith('refs/heads/')) return ref.slice('refs/heads/'.length)
  throw new FieldError(
    'branch',
    "is empty and HEAD is detached; set 'branch' to the branch the audit log lives on"
  )
}

/**
 * The audit file's path as a plain relative path inside the repository: not absolute, no `..`
 * segment, no control character (a line break would end git's fast-import and cat-file
 * commands early and start new ones), not inside .git.
 */
export function repositoryPath(file: string): string {
  const refuse = (why: string): never => {
    throw new FieldError(
      'file',
      `${why}; use a plain path inside the repository, such as AUDIT.log or audit/AUDIT.log`
    )
  }
  if (hasUnsafeText(file))
    refuse('contains a line break, a control character or a bidirectional control character')
  const slashed = file.replace(/\\/g, '/')
  if (slashed.split('/').includes('..')) refuse(`is '${file}', which has a '..' segment`)
  const normal = path.posix.normalize(slashed)
  if (path.posix.isAbsolute(normal) || /^[A-Za-z]:/.test(normal))
    refuse(`is '${file}', an absolute path`)
  if (normal === '.' || normal.endsWith('/')) refuse(`is '${file}', which names a directory`)
  if (normal.split('/').some(part => part.toLowerCase() === '.git'))
    refuse(`is '${file}', which is inside .git`)
  return normal
}

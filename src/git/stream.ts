import { spawn } from 'node:child_process'

export interface StreamedGit {
  /** stdout as raw bytes, chunk by chunk (never decoded: audit lines are hashed byte for byte). */
  stdout: AsyncIterable<Buffer>
  /** Resolves when git exits; stderr is kept (its last 64 KiB) for messages. */
  done: Promise<{ code: number; stderr: string }>
}

/**
 * Runs git with its output streamed rather than buffered: a `git log` over 100,000 commits is
 * tens of megabytes, and the history check reads it in one pass. The runner in git.ts buffers
 * and decodes UTF-8, which is right for short commands and wrong here.
 */
export type GitStreamer = (
  args: string[],
  options: { cwd: string; input?: string | RequestStream }
) => StreamedGit

export const streamGit: GitStreamer = (args, options) => {
  const child = spawn('git', args, {
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
    // A pager or a credential prompt would hang a verifier; neither has a place here.
    env: { ...process.env, GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' }
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-65536)
  })
  const done = new Promise<{ code: number; stderr: string }>(resolve => {
    child.on('error', error => resolve({ code: -1, stderr: `${stderr}${error.message}` }))
    child.on('close', code => resolve({ code: code ?? -1, stderr }))
  })
  // EPIPE when git exits before reading all of stdin is reported through `done`, not thrown.
  child.stdin.on('error', () => undefined)
  const input = options.input
  if (input instanceof RequestStream)
    input.pipe(text => (text === null ? child.stdin.end() : child.stdin.write(text)))
  else child.stdin.end(input ?? '')
  return { stdout: child.stdout as AsyncIterable<Buffer>, done }
}

/** Runs a short git command and returns its trimmed stdout (undefined when git fails). */
export async function gitText(
  git: GitStreamer,
  args: string[],
  cwd: string
): Promise<string | undefined> {
  const run = git(args, { cwd })
  const parts: Buffer[] = []
  for await (const chunk of run.stdout) parts.push(chunk)
  const { code } = await run.done
  return code === 0 ? Buffer.concat(parts).toString('utf8').trim() : undefined
}

/** An open stdin for a long-lived git process (see GitStreamer's `input`). */
export class RequestStream {
  private listener: ((text: string | null) => void) | undefined
  private readonly queued: (string | null)[] = []

  push(text: string): void {
    this.emit(text)
  }

  end(): void {
    this.emit(null)
  }

  /** Called by the streamer with a sink; what was queued before is flushed first. */
  pipe(sink: (text: string | null) => void): void {
    this.listener = sink
    for (const item of this.queued.splice(0)) sink(item)
  }

  private emit(item: string | null): void {
    if (this.listener) this.listener(item)
    else this.queued.push(item)
  }
}

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import path from 'node:path'
import { createInterface, type Interface } from 'node:readline'
import { PYTHON, ROOT } from '../../harness/paths.js'

/** A long-lived DVC process answering `dvc status --json` (test/python/dvc_status.py). */
export class DvcReference {
  private readonly child: ChildProcessWithoutNullStreams
  private readonly lines: Interface
  private readonly waiting: ((line: string) => void)[] = []
  private stderr = ''

  constructor(env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(PYTHON, [path.join(ROOT, 'test', 'python', 'dvc_status.py')], {
      env: { ...process.env, DVC_NO_ANALYTICS: '1', ...env },
      stdio: ['pipe', 'pipe', 'pipe']
    })
    this.child.stderr.on(
      'data',
      (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000))
    )
    this.lines = createInterface({ input: this.child.stdout })
    this.lines.on('line', line => this.waiting.shift()?.(line))
  }

  private request<T>(body: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      this.waiting.push(line => {
        const answer = JSON.parse(line) as { ok?: T; error?: string }
        if (answer.error !== undefined) reject(new Error(`${answer.error}\n${this.stderr}`))
        else resolve(answer.ok as T)
      })
      this.child.stdin.write(`${JSON.stringify(body)}\n`)
    })
  }

  status(dir: string): Promise<Record<string, unknown>> {
    return this.request({ op: 'status', dir })
  }

  legacyMd5(paths: string[]): Promise<Record<string, string>> {
    return this.request({ op: 'legacy_md5', paths })
  }

  close(): void {
    this.child.stdin.end()
    this.lines.close()
  }
}

import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { NODE24, OUTPUT, ROOT } from './paths.js'

export type NodeVersion = 'node20' | 'node24'

/** Both runtimes the bundles must run on; Node 24 is skipped (with a failing check) only off linux-x64. */
export const NODE_VERSIONS: NodeVersion[] = ['node20', 'node24']

export function nodeBinary(version: NodeVersion): string {
  if (version === 'node24') {
    if (!existsSync(NODE24))
      throw new Error('Node 24 is not provisioned: run `npm test` (provision.mjs)')
    return NODE24
  }
  return process.execPath
}

export interface DistResult {
  code: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  /** `::command::` lines (error, warning, notice, debug, add-mask, ...) as printed. */
  commands: { command: string; properties: string; message: string }[]
  /** Everything printed, for "never appears in any output" checks. */
  all: string
  /** The bundle's peak resident memory, when run with measureRss. */
  maxRssKb?: number
}

export interface DistOptions {
  node?: NodeVersion
  env?: NodeJS.ProcessEnv
  workspace?: string
  timeoutMs?: number
  /** Runs the bundle under /usr/bin/time to report its peak RSS (maxRssKb); Linux only. */
  measureRss?: boolean
}

/** Parses GITHUB_OUTPUT's `name<<delimiter` blocks (and plain `name=value` lines). */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name, delimiter] = heredoc
      const value: string[] = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '')
      out[name!] = value.join('\n')
    } else if (line.includes('=')) {
      const at = line.indexOf('=')
      out[line.slice(0, at)] = line.slice(at + 1)
    }
  }
  return out
}

/**
 * Runs dist/<action>/index.js as the Actions runner does: inputs as INPUT_<NAME> (upper-cased,
 * spaces to _, hyphens kept), fresh GITHUB_OUTPUT/STEP_SUMMARY/STATE/ENV files, cwd =
 * GITHUB_WORKSPACE. The environment starts empty but for PATH and HOME, so nothing leaks in.
 */
export function runDist(
  action: string,
  inputs: Record<string, string | undefined>,
  options: DistOptions = {}
): Promise<DistResult> {
  mkdirSync(path.join(OUTPUT, 'dist-runs'), { recursive: true })
  const temp = mkdtempSync(path.join(OUTPUT, 'dist-runs', `${action}-`))
  const files = {
    GITHUB_OUTPUT: path.join(temp, 'output'),
    GITHUB_STEP_SUMMARY: path.join(temp, 'summary.md'),
    GITHUB_STATE: path.join(temp, 'state'),
    GITHUB_ENV: path.join(temp, 'env')
  }
  for (const file of Object.values(files)) writeFileSync(file, '')
  const workspace = options.workspace ?? temp
  const runnerTemp = path.join(temp, 'runner-temp')
  mkdirSync(runnerTemp, { recursive: true })
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: runnerTemp,
    ...files,
    ...options.env
  }
  for (const [name, value] of Object.entries(inputs)) {
    if (value !== undefined) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  const node = nodeBinary(options.node ?? 'node20')
  return new Promise((resolve, reject) => {
    const rssFile = path.join(temp, 'maxrss')
    const [command, args] = options.measureRss
      ? [
          '/usr/bin/time',
          ['-f', '%M', '-o', rssFile, node, path.join(ROOT, 'dist', action, 'index.js')]
        ]
      : [node, [path.join(ROOT, 'dist', action, 'index.js')]]
    const child = spawn(command, args, {
      cwd: workspace,
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000)
    child.on('error', reject)
    child.on('close', code => {
      clearTimeout(timer)
      const commands = [...stdout.matchAll(/^::([a-z-]+)( [^:]*)?::(.*)$/gm)].map(m => ({
        command: m[1] ?? '',
        properties: (m[2] ?? '').trim(),
        message: m[3] ?? ''
      }))
      const outputs = parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8'))
      const summary = readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')
      const extra = [files.GITHUB_STATE, files.GITHUB_ENV]
        .map(f => readFileSync(f, 'utf8'))
        .join('\n')
      resolve({
        code: code ?? -1,
        stdout,
        stderr,
        outputs,
        summary,
        commands,
        all: [stdout, stderr, summary, readFileSync(files.GITHUB_OUTPUT, 'utf8'), extra].join('\n'),
        ...(options.measureRss
          ? { maxRssKb: Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) }
          : {})
      })
    })
  })
}

import { escapeLogText } from '../core/logger.js'
import { connectionSecrets, resolveConnection, uriSecrets } from '../mlflow/connection.js'
import type { CliIo } from './io.js'
import { neutraliseBidi, replaceUnsafe } from '../core/text-safety.js'

const MASK = '***'

/**
 * Words the CLI itself prints as verdicts and JSON literals. A secret that is one of them (a
 * password `true`, `DRIFT`) is still masked inside other text, but never where it stands as a
 * whole word: masking there would hide the verdict (`DRIFT` → `***` reads as nothing wrong) while
 * protecting nothing, since the verdict word is printed anyway.
 */
export const VERDICT_WORDS: ReadonlySet<string> = new Set([
  'true',
  'false',
  'null',
  'in sync',
  'In sync',
  'DRIFT',
  'Drift',
  'drift',
  'governed',
  'verified',
  'unverified',
  'confirmed',
  'unconfirmable',
  'none',
  'valid',
  'Broken',
  'broken'
])

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * The CLI's stand-in for the runner's secret masking: every registered value is replaced by ***
 * in everything written to stdout and stderr, so a credential a server echoes back (in an error
 * message, a tag, a run name) is never printed. Longer secrets are replaced first, so one that
 * contains another is masked whole. Only values are masked: a JSON document is masked inside its
 * strings (never its literals, numbers or structure), and a verdict word stays (VERDICT_WORDS).
 */
export class Masker {
  private readonly secrets = new Set<string>()
  private pattern: RegExp | undefined

  add(secret: string | undefined): void {
    const value = secret?.trim()
    // Very short values would mask ordinary text everywhere; the runner ignores them too.
    if (value && value.length >= 3 && !this.secrets.has(value)) {
      this.secrets.add(value)
      this.pattern = undefined
    }
  }

  /** True when some registered secret is also a word the CLI prints as a verdict. */
  verdictCollisions(): string[] {
    return [...this.secrets].filter(s => VERDICT_WORDS.has(s))
  }

  /** One pass, longest secret first; a verdict word standing whole is kept. */
  private compiled(): RegExp | undefined {
    if (this.secrets.size === 0) return undefined
    this.pattern ??= new RegExp(
      [...this.secrets]
        .sort((a, b) => b.length - a.length)
        .map(s => escapeRegex(s))
        .join('|'),
      'g'
    )
    return this.pattern
  }

  /** Masks text, keeping a secret that stands whole as a verdict word. */
  mask(text: string): string {
    const pattern = this.compiled()
    if (!pattern) return text
    return text.replace(pattern, (match, offset: number, whole: string) => {
      if (!VERDICT_WORDS.has(match)) return MASK
      const before = whole[offset - 1] ?? ''
      const after = whole[offset + match.length] ?? ''
      // Whole: between white space, the line's ends or the punctuation the CLI sets verdicts in.
      const standsAlone = (c: string): boolean => c === '' || /[\s:,.()|]/.test(c)
      return standsAlone(before) && standsAlone(after) ? match : MASK
    })
  }

  /**
   * A JSON document (what every --json command writes), masked inside its string values and keys
   * only, then written back in the same layout: a secret `true` or `42` never turns a literal or a
   * number into ***, which would make the document unparseable. Anything else is masked as text.
   */
  maskOutput(text: string): string {
    const body = text.trimEnd()
    if (!/^[[{]/.test(body) || !this.compiled()) return this.mask(text)
    let doc: unknown
    try {
      doc = JSON.parse(body)
    } catch {
      return this.mask(text)
    }
    const walk = (value: unknown): unknown => {
      if (typeof value === 'string') return this.maskValue(value)
      if (Array.isArray(value)) return value.map(walk)
      if (value && typeof value === 'object')
        return Object.fromEntries(
          Object.entries(value).map(([k, v]) => [this.maskValue(k), walk(v)])
        )
      return value
    }
    const indent = /^[[{]\n( +)/.exec(body)?.[1]?.length ?? 0
    return `${JSON.stringify(walk(doc), null, indent)}${text.slice(body.length)}`
  }

  /** A JSON string: a verdict word as the whole value (such as "DRIFT") stays; else all is masked. */
  private maskValue(value: string): string {
    const pattern = this.compiled()
    return !pattern || VERDICT_WORDS.has(value) ? value : value.replace(pattern, MASK)
  }

  /**
   * The same io, with both streams masked, and escaped as the actions' logs are: the CLI also runs
   * in workflow steps, where a printed line starting with `::` would be a workflow command.
   * Bidirectional controls are made visible (core/text-safety.ts), in tables and JSON strings alike.
   */
  wrap(io: CliIo): CliIo {
    const { stdout, stderr } = io
    return {
      ...io,
      stdout: {
        isTTY: stdout.isTTY,
        write: text => stdout.write(escapeLogText(neutraliseBidi(this.maskOutput(text))))
      },
      stderr: { write: text => stderr.write(escapeLogText(neutraliseBidi(this.mask(text)))) }
    }
  }
}

/**
 * Registers the credentials MLflow's environment variables carry before any command runs: the
 * password and token, the basic-auth header value, a password in the tracking URI and its query
 * values (some proxies take a token there).
 */
export function maskEnvironmentSecrets(masker: Masker, env: NodeJS.ProcessEnv): void {
  masker.add(env.MLFLOW_TRACKING_PASSWORD)
  masker.add(env.MLFLOW_TRACKING_TOKEN)
  for (const secret of uriSecrets(env.MLFLOW_TRACKING_URI)) masker.add(secret)
  try {
    for (const secret of connectionSecrets(resolveConnection({}, env, () => ''))) masker.add(secret)
  } catch {
    // An incomplete configuration is reported by the command that needs it.
  }
}

/**
 * Server text for a terminal: control characters (an ANSI escape could rewrite the screen or
 * the title) become spaces. Colours the CLI adds itself are applied after this.
 */
export function terminalSafe(text: string): string {
  return replaceUnsafe(text, ' ', { multiline: true })
}

import { escapeLogText } from '../core/logger.js'
import { connectionSecrets, resolveConnection, uriSecrets } from '../mlflow/connection.js'
import type { CliIo } from './io.js'
import { replaceUnsafe } from '../core/text-safety.js'

const MASK = '***'

/**
 * The CLI's stand-in for the runner's secret masking: every registered value is replaced by ***
 * in everything written to stdout and stderr, so a credential a server echoes back (in an error
 * message, a tag, a run name) is never printed. Longer secrets are replaced first, so one that
 * contains another is masked whole.
 */
export class Masker {
  private readonly secrets = new Set<string>()

  add(secret: string | undefined): void {
    const value = secret?.trim()
    // Very short values would mask ordinary text everywhere; the runner ignores them too.
    if (value && value.length >= 3) this.secrets.add(value)
  }

  mask(text: string): string {
    let out = text
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length))
      out = out.split(secret).join(MASK)
    return out
  }

  /**
   * The same io, with both streams masked, and escaped as the actions' logs are: the CLI also runs
   * in workflow steps, where a printed line starting with `::` would be a workflow command.
   */
  wrap(io: CliIo): CliIo {
    const { stdout, stderr } = io
    return {
      ...io,
      stdout: { isTTY: stdout.isTTY, write: text => stdout.write(escapeLogText(this.mask(text))) },
      stderr: { write: text => stderr.write(escapeLogText(this.mask(text))) }
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

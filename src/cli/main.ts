import { renderError } from '../core/errors.js'
import { cliFieldName } from './fields.js'
import { parseArgs, type ParsedArgs } from './args.js'
import { evidenceCommand } from './commands/evidence.js'
import { historyCommand } from './commands/history.js'
import { reconcileCommand } from './commands/reconcile.js'
import { resolveCommand } from './commands/resolve.js'
import { statusCommand } from './commands/status.js'
import { verifyAuditCommand } from './commands/verify-audit.js'
import { repositoryRoot, stderrLogger, type CliIo, type CommandContext } from './context.js'
import { EXIT, exitCodeFor, type ExitCode } from './exit-codes.js'
import { HELP, VERSION, helpFor } from './help.js'
import { Masker, maskEnvironmentSecrets, terminalSafe } from './mask.js'
import { colorWanted, styler } from './table.js'

const COMMANDS = {
  status: statusCommand,
  history: historyCommand,
  'verify-audit': verifyAuditCommand,
  reconcile: reconcileCommand,
  resolve: resolveCommand,
  evidence: evidenceCommand
}

/**
 * Runs one command and returns its exit code; never calls process.exit, so tests run it in
 * process. Errors are one line on stderr (and, with --json, an {"error"} object on stdout so a
 * script parsing stdout always gets JSON).
 */
export async function runCli(argv: string[], rawIo: CliIo): Promise<ExitCode> {
  // Everything printed passes the masker: servers' words can hold a credential (an echoed header).
  const masker = new Masker()
  maskEnvironmentSecrets(masker, rawIo.env)
  const io = masker.wrap(rawIo)
  if (masker.verdictCollisions().length > 0)
    // Never name it: the warning would print the credential.
    io.stderr.write(
      'warning: an MLflow credential is a word the CLI prints as a verdict or JSON literal (such as true or DRIFT); ' +
        'it is masked everywhere except where it stands as that word. Choose a stronger credential\n'
    )
  const errStyle = styler(colorWanted(undefined, false, io.env))
  let args: ParsedArgs | undefined
  try {
    args = parseArgs(argv)
    if (args.command === 'help') {
      io.stdout.write(args.topic ? helpFor(args.topic) : HELP)
      return EXIT.ok
    }
    if (args.command === 'version') {
      io.stdout.write(`${VERSION}\n`)
      return EXIT.ok
    }
    const style = styler(!args.json && colorWanted(args.color, io.stdout.isTTY === true, io.env))
    const ctx: CommandContext = {
      args,
      io,
      style,
      logger: stderrLogger(io, args.verbose, style),
      root: args.repo ? repositoryRoot(args.repo) : repositoryRoot(io.cwd),
      addSecret: value => masker.add(value),
      out: text => io.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
    }
    return await COMMANDS[args.command](ctx)
  } catch (error) {
    const code = exitCodeFor(error)
    const message = terminalSafe(renderError(error, cliFieldName))
    io.stderr.write(`${errStyle.paint('error: ', 'red')}${message}\n`)
    if (code === EXIT.internal && error instanceof Error && error.stack && args?.verbose)
      io.stderr.write(`${error.stack}\n`)
    if (code === EXIT.internal)
      io.stderr.write(
        'This is a bug in model-governance; please report it with the output of --verbose.\n'
      )
    if (args?.json) io.stdout.write(`${JSON.stringify({ error: { exit_code: code, message } })}\n`)
    return code
  }
}

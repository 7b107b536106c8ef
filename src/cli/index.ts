import { runCli } from './main.js'

// A command whose work stalls with nothing left to wait on (a child process's output never
// ending, a promise nobody settles) would end the process with Node's exit 13 and no word from
// the suite. Said once, as an internal error, in JSON too when --json was asked for.
let finished = false
process.once('beforeExit', () => {
  if (finished) return
  const message =
    'the command stopped before it finished (nothing left to wait on); this is a bug in model-governance, please report it with the output of --verbose'
  process.stderr.write(`error: ${message}\n`)
  if (process.argv.includes('--json'))
    process.stdout.write(`${JSON.stringify({ error: { exit_code: 4, message } })}\n`)
  process.exitCode = 4
})

// The bin entry (dist/cli/index.js): exit codes are documented in docs/cli.md.
process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr
})
finished = true

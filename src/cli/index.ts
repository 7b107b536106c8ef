import { runCli } from './main.js'

// The bin entry (dist/cli/index.js): exit codes are documented in docs/cli.md.
process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr
})

import { COMMAND_HELP, optionsOf, spell, OPTIONS, type OptionRow } from './options.js'
import { COMMANDS, type Command } from './parsed-args.js'

export const VERSION = '0.1.0'

const WIDTH = 100
const COLUMN = 24

/** Words wrapped to WIDTH, every line after the first indented to `indent` (as is the first). */
function wrap(text: string, indent = COLUMN): string {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(' ')) {
    if (line && indent + line.length + 1 + word.length > WIDTH) {
      lines.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  lines.push(line)
  return lines.join(`\n${' '.repeat(indent)}`)
}

/** `  --file <path>         meaning`: the name, then its meaning at COLUMN (or on the next line). */
function entry(name: string, meaning: string): string {
  const head = `  ${name}`
  const gap =
    head.length + 2 <= COLUMN ? ' '.repeat(COLUMN - head.length) : `\n${' '.repeat(COLUMN)}`
  return `${head}${gap}${wrap(meaning)}`
}

/** Which words take an option, when not every command does: `history: `, `without a command: `. */
function scopeLabel(row: OptionRow): string {
  const commands = row.scopes.filter(s => s !== 'alone')
  if (commands.length === COMMANDS.length) return ''
  if (commands.length === 0) return 'without a command: '
  return `${commands.join(', ')}: `
}

const FOOTER = `The tracking server comes from MLflow's variables: MLFLOW_TRACKING_URI, MLFLOW_TRACKING_USERNAME,
MLFLOW_TRACKING_PASSWORD, MLFLOW_TRACKING_TOKEN, MLFLOW_TRACKING_INSECURE_TLS,
MLFLOW_TRACKING_SERVER_CERT_PATH, MLFLOW_TRACKING_CLIENT_CERT_PATH.

Exit codes: 0 ok; 1 drift found or audit chain broken; 2 usage or configuration error;
3 tracking server unreachable or refused; 4 internal error (a bug). See docs/cli.md.
`

const usage = (command: Command): string =>
  `${command}${COMMAND_HELP[command].usage ? ` ${COMMAND_HELP[command].usage}` : ''}`

/** The whole help, built from the option and command tables (options.ts). */
export const HELP = `model-governance: which model is running, who put it there, and did anyone bypass the audit trail?

Usage: model-governance <command> [arguments] [options]

Commands:
${COMMANDS.map(c => entry(usage(c), COMMAND_HELP[c].summary)).join('\n')}

Options (a command named first: only it takes the option):
${OPTIONS.map(row => entry(spell(row), `${scopeLabel(row)}${row.description}`)).join('\n')}

${FOOTER}
Install it pinned to a release commit and its SHA-256, never as \`npx model-governance\` (that
npm name is not this project): docs/cli.md, "Installing the CLI, pinned".
`

/** `model-governance <command> --help`: that command and exactly the options it takes. */
export function helpFor(command: Command): string {
  return `Usage: model-governance ${usage(command)} [options]

${wrap(COMMAND_HELP[command].summary, 0)}

Options:
${optionsOf(command)
  .map(row => entry(spell(row), row.description))
  .join('\n')}

${FOOTER}`
}

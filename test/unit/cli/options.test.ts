import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from '../../../src/cli/args.js'
import { HELP, helpFor } from '../../../src/cli/help.js'
import { runCli } from '../../../src/cli/main.js'
import { OPTIONS, optionsOf, spell } from '../../../src/cli/options.js'
import { COMMANDS } from '../../../src/cli/parsed-args.js'
import { ROOT } from '../../harness/paths.js'

async function cli(argv: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(argv, {
    env: {},
    cwd: ROOT,
    stdout: { write: t => void out.push(t) },
    stderr: { write: t => void err.push(t) }
  })
  return { code, stdout: out.join(''), stderr: err.join('') }
}

describe('one option table per command', () => {
  it("refuses another command's option, naming the options the command takes", async () => {
    const run = await cli(['history', 'churn', '--download', 'x'])
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain('history does not take --download (resolve takes it)')
    expect(run.stderr).toContain(
      `history takes: ${optionsOf('history')
        .map(r => `--${r.name}`)
        .join(', ')}`
    )
    expect(run.stderr).toContain('--limit')
    expect(run.stderr).not.toMatch(/takes: .*--download/)
    // Every option some command takes is refused by each command that does not take it.
    for (const row of OPTIONS)
      for (const command of COMMANDS.filter(c => !optionsOf(c).some(r => r.name === row.name)))
        expect(() => parseArgs([command, 'a', 'b', `--${row.name}=1`])).toThrow(
          `${command} does not take --${row.name}`
        )
  })

  it('accepts each command its own options, from the table', () => {
    for (const command of COMMANDS)
      for (const row of optionsOf(command).filter(r => r.name !== 'help'))
        expect(
          parseArgs([command, ...(row.type === 'boolean' ? [`--${row.name}`] : [])]).command
        ).toBe(command)
    expect(parseArgs(['verify-audit', '--json', '--file', 'x.log'])).toMatchObject({
      json: true,
      file: 'x.log'
    })
  })

  it('gives --version one meaning per place: the tool alone, the model version for evidence', async () => {
    const tool = await cli(['--version'])
    expect([tool.code, tool.stdout]).toEqual([0, '0.1.0\n'])
    expect(parseArgs(['evidence', 'churn', '--version', '3'])).toMatchObject({
      command: 'evidence',
      positionals: ['churn'],
      modelVersion: '3'
    })
    expect(parseArgs(['evidence', '--version=12', 'churn']).modelVersion).toBe('12')
    expect(() => parseArgs(['evidence', 'churn', '--version'])).toThrow(
      'Option --version needs a value: for evidence it is the model version'
    )
    expect(() => parseArgs(['evidence', 'churn', '--version', 'latest'])).toThrow(
      "Option --version is 'latest'; use a model version number"
    )
    // Before, `status m --version 3` was taken as evidence's option and ignored.
    const status = await cli(['status', 'churn', '--version', '3'])
    expect(status.code).toBe(2)
    expect(status.stderr).toContain(
      "status does not take --version (evidence takes it as the model version; the tool's own version is model-governance --version, alone)"
    )
  })

  it('says what a value option needs, and what an unknown option is', () => {
    expect(() => parseArgs(['verify-audit', '--file', '--json'])).toThrow(
      "Option --file needs a value, e.g. --file <path>; '--json' is read as an option (write --file=--json if it is the value)"
    )
    expect(() => parseArgs(['status', 'm', '--file='])).toThrow('Option --file needs a value')
    expect(() => parseArgs(['-v', 'status', 'm', '-x'])).toThrow(
      'Unknown option -x; status takes: --json,'
    )
    expect(() => parseArgs(['--file', 'x'])).toThrow(
      'model-governance without a command does not take --file (every command takes it)'
    )
    expect(parseArgs(['resolve', 'a', 'b', '--', '--json'])).toMatchObject({
      positionals: ['a', 'b', '--json'],
      json: false
    })
    expect(parseArgs(['--repo', '/r', 'status', 'm'])).toMatchObject({
      command: 'status',
      repo: '/r',
      positionals: ['m']
    })
  })

  it('prints help built from the table, for the tool or one command', async () => {
    for (const row of OPTIONS) expect(HELP).toContain(`  ${spell(row)}`)
    const status = await cli(['status', '--help'])
    expect(status.code).toBe(0)
    expect(status.stdout).toBe(helpFor('status'))
    expect(status.stdout).toContain('Usage: model-governance status <model> [target] [options]')
    expect(status.stdout).toContain('--at <time>')
    expect(status.stdout).not.toContain('--download')
    expect((await cli(['help', 'resolve'])).stdout).toContain('--download <dir>')
    expect((await cli([])).stdout).toBe(HELP)
  })
})

it("docs/cli.md's option table is the CLI's", () => {
  const docs = readFileSync(path.join(ROOT, 'docs', 'cli.md'), 'utf8')
  const section = docs.slice(docs.indexOf('## Options'), docs.indexOf('## Commands'))
  const rows = section
    .split('\n')
    .filter(line => line.startsWith('| `'))
    .map(line =>
      line
        .slice(1, -1)
        .split(' | ')
        .map(cell => cell.trim())
    )
  const expected = OPTIONS.map(row => {
    const commands = row.scopes.filter(s => s !== 'alone')
    const alone = row.scopes.includes('alone')
    const who =
      commands.length === COMMANDS.length
        ? `every command${alone ? ', and none' : ''}`
        : commands.length === 0
          ? 'no command (alone)'
          : commands.join(', ')
    return [`\`${spell(row)}\``, who, row.description]
  })
  expect(rows).toEqual(expected)
})

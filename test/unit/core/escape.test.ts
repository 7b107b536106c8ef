import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import {
  escapeLogText,
  escapingLogger,
  MemoryLogger,
  unescapeLogText
} from '../../../src/core/logger.js'
import { actionsLogger } from '../../../src/core/run.js'

/** The injection found in the review: a previous_version from AUDIT.log or an MLflow tag. */
const INJECTION = '2\n::error title=Approved::Approved by the release manager\n::stop-commands::zzz'

/** The runner's reading of a stdout line: leading white space trimmed, then `::` is a command. */
function commandLines(text: string): string[] {
  return text.split(/\r|\n/).filter(line => /^(::|##\[)/.test(line.trimStart()))
}

/** Pieces that make workflow commands, line breaks and the runner's white space likely. */
const piece = fc.oneof(
  fc.constantFrom(
    '::',
    ':',
    '##[',
    '#',
    '\\',
    '\n',
    '\r',
    '\r\n',
    ' ',
    '\t',
    '\u000b',
    '\f',
    '\u00a0',
    '\u0085',
    '\u2028',
    '\u2029',
    '\u3000',
    '\ufeff',
    '\u200b',
    '\u0000',
    '\u001b[31m',
    'error',
    'warning',
    'stop-commands',
    'add-mask',
    'set-output name=x',
    'title=Approved',
    '::error::',
    '::stop-commands::zzz',
    '::zzz::',
    '%0A',
    '%25',
    ',',
    '='
  ),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 4 })
)
const hostile = fc.array(piece, { maxLength: 24 }).map(parts => parts.join(''))

let written: string[] = []
const realWrite = process.stdout.write.bind(process.stdout)
beforeEach(() => {
  written = []
  // The real @actions/core writes commands and info lines to process.stdout.
  process.stdout.write = (chunk: string | Uint8Array): boolean => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
    return true
  }
})
afterEach(() => {
  process.stdout.write = realWrite
})

describe('escapeLogText', () => {
  it('turns the injected previous_version into plain text the runner cannot run', () => {
    const escaped = escapeLogText(`Rollback: before it, version ${INJECTION} held it`)
    expect(commandLines(escaped)).toEqual([])
    expect(escaped).toBe(
      'Rollback: before it, version 2\n\\::error title=Approved::Approved by the release manager\n\\::stop-commands::zzz held it'
    )
    expect(unescapeLogText(escaped)).toBe(`Rollback: before it, version ${INJECTION} held it`)
  })

  it.each([
    ['::error::x', '\\::error::x'],
    ['   ::warning::x', '\\   ::warning::x'],
    ['\t\u00a0::debug::x', '\\\t\u00a0::debug::x'],
    ['##[error]x', '\\##[error]x'],
    ['a\r::error::x', 'a\r\\::error::x'],
    ['a\u2028::error::x', 'a\u2028\\::error::x'],
    ['\\::already escaped', '\\\\::already escaped'],
    ['C:\\path\\file', 'C:\\path\\file'],
    ['ratio: 95% :: fine', 'ratio: 95% :: fine']
  ])('escapes %j as %j', (raw, escaped) => {
    expect(escapeLogText(raw)).toBe(escaped)
    expect(unescapeLogText(escaped)).toBe(raw)
  })

  it('never leaves a line that starts a workflow command, and round-trips (10,000 random cases)', () => {
    let runs = 0
    fc.assert(
      fc.property(hostile, text => {
        runs++
        const escaped = escapeLogText(text)
        // The runner splits on \n and \r and trims leading white space before it looks for '::'.
        for (const line of escaped.split(/\n|\r/)) {
          expect(line.trimStart().startsWith('::')).toBe(false)
          expect(line.trimStart().startsWith('##[')).toBe(false)
        }
        // Lossless: the original comes back, and only backslashes were added.
        expect(unescapeLogText(escaped)).toBe(text)
        expect(escaped.replace(/\\/g, '')).toBe(text.replace(/\\/g, ''))
      }),
      { numRuns: 10_000, seed: 20261201 }
    )
    expect(runs).toBe(10_000)
  })
})

describe('the actions logger (real @actions/core)', () => {
  it('prints injected data as text, and annotations stay one command each', () => {
    actionsLogger.info(`previous version: ${INJECTION}`)
    actionsLogger.warning(`previous version: ${INJECTION}`, {
      file: 'AUDIT.log\n::error::x',
      line: 3
    })
    actionsLogger.debug(INJECTION)
    actionsLogger.error!(INJECTION)
    const out = written.join('')
    // Exactly the three annotations we asked for start a line with '::'; the data starts none.
    const commands = commandLines(out)
    expect(commands.map(l => /^::(\w+)/.exec(l)?.[1])).toEqual(['warning', 'debug', 'error'])
    // The toolkit escapes properties too: the file name cannot close the property list.
    expect(commands[0]).toMatch(
      /^::warning file=AUDIT\.log%0A%3A%3Aerror%3A%3Ax,line=3::previous version: 2%0A\\::error title/
    )
    expect(out).toContain(
      'previous version: 2\n\\::error title=Approved::Approved by the release manager\n\\::stop-commands::zzz\n'
    )
    expect(out).not.toMatch(/^::stop-commands/m)
  })

  it('holds for random data through every level (2,000 random cases)', () => {
    fc.assert(
      fc.property(hostile, hostile, (message, file) => {
        written = []
        actionsLogger.info(message)
        actionsLogger.notice(message, { file, line: 1 })
        actionsLogger.warning(message)
        actionsLogger.debug(message)
        const lines = commandLines(written.join(''))
        expect(lines.map(l => /^::(\w+)/.exec(l)?.[1])).toEqual(['notice', 'warning', 'debug'])
      }),
      { numRuns: 2_000, seed: 7 }
    )
  })

  it('escapingLogger escapes for any inner logger', () => {
    const memory = new MemoryLogger()
    escapingLogger(memory).info(INJECTION)
    expect(memory.messages('info')).toEqual([escapeLogText(INJECTION)])
    expect(commandLines(memory.messages('info')[0]!)).toEqual([])
  })
})

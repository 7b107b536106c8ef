import { describe, expect, it } from '@jest/globals'
import { colorWanted, renderTable, shorten, styler } from '../../../src/cli/table.js'

describe('renderTable', () => {
  it('aligns columns by visible width, whatever the colour codes', () => {
    const rows = [
      [{ text: 'DRIFT', tone: 'red' as const }, 'churn', '2'],
      ['ok', 'fraud-détecteur', '10']
    ]
    const plain = renderTable(['STATUS', 'MODEL', 'V'], rows, styler(false))
    expect(plain.split('\n')).toEqual([
      'STATUS  MODEL            V',
      'DRIFT   churn            2',
      'ok      fraud-détecteur  10'
    ])
    const coloured = renderTable(['STATUS', 'MODEL', 'V'], rows, styler(true))
    expect(coloured).toContain('\u001b[31mDRIFT \u001b[39m')
    // eslint-disable-next-line no-control-regex
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(plain)
  })

  it('prints control characters in data as spaces, so a row stays one line', () => {
    expect(renderTable(['REASON'], [['line one\nline two\u0007']], styler(false))).toBe(
      'REASON\nline one line two'
    )
  })

  it('shortens long text with an ellipsis', () => {
    expect(shorten('abcdef', 4)).toBe('abc…')
    expect(shorten('abc', 4)).toBe('abc')
  })
})

describe('colorWanted', () => {
  it('colours only a terminal, never with NO_COLOR or TERM=dumb, and obeys the flags', () => {
    expect(colorWanted(undefined, true, {})).toBe(true)
    expect(colorWanted(undefined, false, {})).toBe(false)
    expect(colorWanted(undefined, true, { NO_COLOR: '1' })).toBe(false)
    expect(colorWanted(undefined, true, { NO_COLOR: '' })).toBe(true)
    expect(colorWanted(undefined, true, { TERM: 'dumb' })).toBe(false)
    expect(colorWanted(false, true, {})).toBe(false)
    expect(colorWanted(true, false, { NO_COLOR: '1' })).toBe(true)
  })
})

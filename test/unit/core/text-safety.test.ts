import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import {
  hasUnsafeText,
  isPlainRelpath,
  isPlainSegment,
  oneLine,
  replaceUnsafe,
  safeExcerpt
} from '../../../src/core/text-safety.js'
import { ROOT } from '../../harness/paths.js'

const codePoint = (n: number): string => String.fromCodePoint(n)

// The one rule: C0 controls, DEL, C1 controls, U+2028/U+2029 and the bidirectional controls
// are unsafe; nothing else is. Checked over the whole Basic Multilingual Plane, so a class that
// drifts (DEL forgotten, a bidi override let through, a letter caught) fails here.
const UNSAFE = (n: number): boolean =>
  n <= 0x1f ||
  (n >= 0x7f && n <= 0x9f) ||
  n === 0x2028 ||
  n === 0x2029 ||
  n === 0x061c ||
  n === 0x200e ||
  n === 0x200f ||
  (n >= 0x202a && n <= 0x202e) ||
  (n >= 0x2066 && n <= 0x2069)

describe('the one text-safety rule', () => {
  it('calls exactly the controls, separators and bidirectional controls unsafe', () => {
    const wrong: string[] = []
    for (let n = 0; n <= 0xffff; n++) {
      if (n >= 0xd800 && n <= 0xdfff) continue
      if (hasUnsafeText(codePoint(n)) !== UNSAFE(n)) wrong.push(n.toString(16))
    }
    expect(wrong).toEqual([])
  })

  it('neutralises a reversed justification and an ANSI escape', () => {
    const reversed = `approved by alice ${codePoint(0x202e)}evila yb deifirev`
    expect(oneLine(reversed)).toBe('approved by alice [U+202E]evila yb deifirev')
    expect(replaceUnsafe('\u001b[31mred\u001b[0m')).toBe(' [31mred [0m')
    expect(replaceUnsafe('a\nb\tc\rd', '?', { multiline: true })).toBe('a\nb\tc?d')
    expect(safeExcerpt('x'.repeat(10), 4)).toBe('xxxx…')
  })

  it('keeps untrusted listing names plain', () => {
    for (const bad of ['', '.', '..', 'a/b', 'a\\b', 'a\u007fb', 'a\u202eb', 'x'.repeat(256)])
      expect({ bad, plain: isPlainSegment(bad) }).toEqual({ bad, plain: false })
    expect(isPlainSegment('model.skops')).toBe(true)
    expect(isPlainRelpath('model/MLmodel')).toBe(true)
    expect(isPlainRelpath('model/../etc')).toBe(false)
    expect(isPlainRelpath('/etc/passwd')).toBe(false)
  })

  it('is the only control-character class in src/', () => {
    const files = readdirSync(path.join(ROOT, 'src'), { withFileTypes: true, recursive: true })
      .filter(e => e.isFile() && e.name.endsWith('.ts'))
      .map(e => path.join(e.parentPath, e.name))
    const classes = files.filter(f => /\\u0000-|no-control-regex/.test(readFileSync(f, 'utf8')))
    expect(classes.map(f => path.relative(ROOT, f))).toEqual(['src/core/text-safety.ts'])
  })
})

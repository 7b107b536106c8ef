import { describe, expect, it } from '@jest/globals'
import { escapeCardMarkdown } from '../../../src/notify/card-markdown.js'
import { escapeMrkdwn } from '../../../src/notify/slack.js'

/**
 * Escaping per channel, only where the markup would act (issue "One of each"): Teams cards by
 * CommonMark's rules (what the card renderer's markdown processor follows; the text a person sees
 * is tested in headless Chromium, test/integration/notify/teams-card-chromium.test.ts), Slack
 * mrkdwn by Slack's documented rules, for which no renderer exists offline.
 */
const Z = '\u200b'

describe('Teams card text', () => {
  it('leaves names with hyphens, dots, underscores, plus and hash as written', () => {
    for (const name of [
      'churn-classifier',
      'fraud.detector.v2',
      'churn_classifier_v2',
      'C++ model #3',
      'accuracy >= 0.8',
      'x * y',
      'a_b',
      'v1.2.3-rc.1',
      'models/model.pkl'
    ])
      expect(escapeCardMarkdown(name)).toBe(name)
  })

  it('splits links, tags, entities and DATE() with an invisible U+200B', () => {
    expect(escapeCardMarkdown('see [x](https://evil)')).toBe(`see [x]${Z}(https://evil)`)
    expect(escapeCardMarkdown('hi <at>admin</at>')).toBe(`hi <${Z}at>admin<${Z}/at>`)
    expect(escapeCardMarkdown('a &amp; b & c')).toBe(`a &${Z}amp; b & c`)
    expect(escapeCardMarkdown('on {{DATE(2017-02-14T06:08:39Z, SHORT)}}')).toBe(
      `on {${Z}{DATE(2017-02-14T06:08:39Z, SHORT)}}`
    )
    // A backslash of the data's own that would escape a mark: shown, not consumed.
    expect(escapeCardMarkdown('C:\\models\\[1]')).toBe(`C:\\models\\${Z}[1]`)
  })

  it('makes a would-be block at the start a paragraph, with U+200B first', () => {
    for (const block of [
      '- list',
      '+ list',
      '* list',
      '# head',
      '1. item',
      '2) item',
      '> quote',
      '***',
      '```',
      '    code',
      '[x]: https://evil',
      '- - -'
    ])
      expect(escapeCardMarkdown(block)).toBe(`${Z}${block}`)
    for (const text of ['a - b # c 1. d', '#3 model', '-1.5', '1.5 GB', '*footnote'])
      expect(escapeCardMarkdown(text)).toBe(text)
  })

  it('escapes emphasis, strikethrough and code marks only where a pair could form', () => {
    expect(escapeCardMarkdown('**bold**')).toBe('\\*\\*bold\\*\\*')
    expect(escapeCardMarkdown('an _italic_ word')).toBe('an \\_italic\\_ word')
    expect(escapeCardMarkdown('a*b*c')).toBe('a\\*b\\*c')
    expect(escapeCardMarkdown('~~gone~~ ~x~')).toBe('\\~\\~gone\\~\\~ ~x~')
    expect(escapeCardMarkdown('run `code` now')).toBe('run \\`code\\` now')
    // One mark alone pairs with nothing; intraword underscores never act.
    for (const text of ['5 * 3', '*footnote', 'a `b', 'snake_case_name_v2', '__init__.py x'])
      expect(escapeCardMarkdown(text)).toBe(
        text === '__init__.py x' ? '\\_\\_init\\_\\_.py x' : text
      )
  })

  it('keeps one line per text, and bidi controls visible', () => {
    expect(escapeCardMarkdown('a\nb\r\nc')).toBe('a b c')
    expect(escapeCardMarkdown('x\u202ey')).toBe('x[U+202E]y')
  })
})

describe('Slack mrkdwn (by Slack’s documented rules; no renderer offline)', () => {
  it('escapes &, < and > as Slack documents, so no link, mention or date token forms', () => {
    expect(escapeMrkdwn('<!channel> <https://evil|x> & <@U1>')).toBe(
      '&lt;!channel&gt; &lt;https://evil|x&gt; &amp; &lt;@U1&gt;'
    )
  })

  it('leaves names as written: Slack formats only at word edges', () => {
    for (const name of [
      'churn-classifier',
      'churn_classifier_v2',
      'fraud.detector.v2',
      'a*b',
      'x~y'
    ])
      expect(escapeMrkdwn(name)).toBe(name)
  })

  it('puts U+200B on the outer side of each mark at a word edge, never a backslash', () => {
    expect(escapeMrkdwn('*bold*')).toBe(`${Z}*bold*${Z}`)
    expect(escapeMrkdwn('an _italic_ word')).toBe(`an ${Z}_italic_${Z} word`)
    expect(escapeMrkdwn('~gone~')).toBe(`${Z}~gone~${Z}`)
    expect(escapeMrkdwn('`code`')).toBe(`${Z}\`code\`${Z}`)
    expect(escapeMrkdwn('**x**')).toBe(`${Z}*${Z}*x*${Z}*${Z}`)
    for (const text of ['*bold*', '_i_', '~s~', '`c`', '**x**']) {
      const out = escapeMrkdwn(text)
      expect(out).not.toContain('\\')
      // What a person sees: the text as written (U+200B has no width).
      expect(out.replace(/\u200b/g, '')).toBe(text)
      // No mark stands at a word edge any more: each touches a letter or U+200B on its outer side.
      expect(out).not.toMatch(/(^|[\s\p{P}])[*_~`](?=[\p{L}\p{N}])/u)
    }
  })

  it('keeps a leading quote mark from quoting', () => {
    expect(escapeMrkdwn('> not a quote')).toBe(`${Z}&gt; not a quote`)
  })
})

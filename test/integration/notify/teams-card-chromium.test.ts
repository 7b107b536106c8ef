import { describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import module from 'node:module'
import path from 'node:path'
import type { NotificationMessage } from '../../../src/notify/message.js'
import { teamsPayload, type AdaptiveCard } from '../../../src/notify/teams.js'
import { OUTPUT, PYTHON, ROOT } from '../../harness/paths.js'

/**
 * "The text a person sees" in a Teams card: the card notify posts, rendered by Microsoft's own
 * `adaptivecards` renderer in headless Chromium, and read back as the DOM's innerText.
 *
 * Twice: with markdown-it as the markdown processor, and with no markdown processing at all. The
 * renderer leaves markdown to its host and its README recommends markdown-it; here the renderer's
 * own hook (`onProcessMarkdown`) is given markdown-it's HTML for each text, rendered beforehand by
 * markdown-it-py (the Python port in .venv, as test/unit/core/summary.test.ts uses it) with
 * markdown-it's default preset (`js-default`: CommonMark with tables and strikethrough). Without
 * markdown the renderer shows each text as typed, the way Teams' mobile clients show backslash
 * escapes (microsoft/AdaptiveCards#5590, #7474). Teams' own renderer is not available offline.
 */
const CHROMIUM = '/usr/bin/chromium'
const require = module.createRequire(path.join(ROOT, 'package.json'))
const ADAPTIVECARDS = require.resolve('adaptivecards/dist/adaptivecards.min.js')

/** markdown-it's HTML for each text, from markdown-it-py's port of markdown-it's default preset. */
function markdownIt(texts: string[]): Record<string, string> {
  const result = spawnSync(
    PYTHON,
    [
      '-c',
      "import json, sys\nfrom markdown_it import MarkdownIt\nmd = MarkdownIt('js-default')\ntexts = json.load(sys.stdin)\njson.dump({t: md.render(t) for t in texts}, sys.stdout)"
    ],
    { input: JSON.stringify(texts), encoding: 'utf8', timeout: 60_000 }
  )
  if (result.status !== 0) throw new Error(`markdown-it-py failed: ${result.stderr}`)
  return JSON.parse(result.stdout) as Record<string, string>
}

/** Every text the renderer will hand to markdown: TextBlocks and fact titles and values. */
const cardTexts = (card: AdaptiveCard): string[] =>
  card.body.flatMap(b =>
    b.type === 'TextBlock' ? [b.text] : b.facts.flatMap(f => [f.title, f.value])
  )

/** Names as people write them: every one must show exactly as written, in both renderings. */
const NAMES = [
  'churn-classifier',
  'fraud.detector.v2',
  'churn_classifier_v2',
  'sklearn-1.5.2',
  'a_b-c.d',
  'C++ model #3 (retrained)',
  'models/model.pkl',
  'accuracy >= 0.8',
  'x * y = 12',
  '50% & more!'
]

/** Data that would become markup: it must show as written and form no link or format. */
const HOSTILE = [
  '[x](https://evil)',
  '**bold**',
  '<at>admin</at>',
  '- list',
  '# head',
  '_italic_',
  '`code`',
  '1. item',
  '> quote',
  '~~gone~~',
  '![img](https://evil/x.png)',
  '&amp; entity',
  '\\*not escaped\\*',
  '<https://evil.example>',
  '***',
  '{{DATE(2017-02-14T06:08:39Z, SHORT)}}'
]

/** Elements that markdown makes: none may appear in a card of data. */
const MARKUP =
  'a, strong, em, b, i, ul, ol, li, h1, h2, h3, h4, h5, h6, code, pre, blockquote, del, s, hr, img'

function message(values: string[]): NotificationMessage {
  return {
    kind: 'approval-requested',
    status: 'pending',
    title: values[0]!,
    facts: values.map(v => ({ label: 'Value', value: v })),
    sections: [{ heading: 'Lines', lines: values }],
    links: [],
    data: {}
  }
}

/** What the page reports for each card: every TextBlock's and fact cell's innerText, the markup. */
interface Rendered {
  texts: string[]
  markup: string[]
}

/**
 * Renders each card in Chromium, with markdown-it or without markdown, and returns what a person
 * sees. The page writes its findings as base64 JSON into the DOM, which --dump-dom prints.
 */
function render(cards: AdaptiveCard[], markdown: boolean): Rendered[] {
  const dir = path.join(OUTPUT, 'notify')
  mkdirSync(dir, { recursive: true })
  const work = mkdtempSync(path.join(dir, 'teams-'))
  const html = markdown ? markdownIt(cards.flatMap(cardTexts)) : {}
  const data = Buffer.from(JSON.stringify({ cards, html })).toString('base64')
  const page = path.join(work, 'card.html')
  writeFileSync(
    page,
    `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<script src="file://${ADAPTIVECARDS}"></script>
<script>
const { cards, html } = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob('${data}'), c => c.charCodeAt(0))));
const AC = window.AdaptiveCards;
if (!AC) throw new Error('adaptivecards did not load');
const unrendered = [];
// The renderer's hook for the host's markdown processor: markdown-it's HTML, or (without
// markdown) nothing processed, so the renderer shows the text as typed.
AC.AdaptiveCard.onProcessMarkdown = (text, result) => {
  if (${markdown ? 'true' : 'false'}) {
    if (!(text in html)) unrendered.push(text);
    result.outputHtml = html[text];
    result.didProcess = text in html;
  } else result.didProcess = false;
};
const out = cards.map(json => {
  const card = new AC.AdaptiveCard();
  card.parse(json);
  const element = card.render();
  document.body.appendChild(element);
  const texts = [...element.querySelectorAll('.ac-textBlock')].map(e => e.innerText);
  const markup = [...element.querySelectorAll(${JSON.stringify(MARKUP)})].map(e => e.outerHTML);
  return { texts, markup };
});
const pre = document.createElement('pre');
pre.id = 'result';
pre.textContent = btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify({ out, unrendered }))));
document.body.appendChild(pre);
</script></body></html>`
  )
  const dom = execFileSync(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${path.join(work, 'profile')}`,
      '--dump-dom',
      `file://${page}`
    ],
    { encoding: 'utf8', timeout: 90_000, stdio: ['ignore', 'pipe', 'pipe'] }
  )
  const found = /<pre id="result">([A-Za-z0-9+/=]+)<\/pre>/.exec(dom)
  if (!found) throw new Error(`the page reported nothing; its DOM:\n${dom.slice(0, 3000)}`)
  const report = JSON.parse(Buffer.from(found[1]!, 'base64').toString('utf8')) as {
    out: Rendered[]
    unrendered: string[]
  }
  // Every text the renderer processed was one markdown-it rendered: nothing went around it.
  expect(report.unrendered).toEqual([])
  return report.out
}

const card = (values: string[]): AdaptiveCard =>
  teamsPayload(message(values)).attachments[0].content

/** innerText as a person reads it: U+200B has no width and no glyph. */
const seen = (text: string): string => text.replace(/\u200b/g, '').trim()

describe("a Teams card in Microsoft's adaptivecards renderer, in headless Chromium", () => {
  it('has Chromium and the renderer at hand', () => {
    expect(existsSync(CHROMIUM)).toBe(true)
    expect(existsSync(ADAPTIVECARDS)).toBe(true)
  })

  // The control: the hostile values as raw TextBlocks, with nothing neutralised.
  const control: AdaptiveCard = {
    ...card(['control']),
    // (DATE() is left out: the renderer expands it before markdown, so it is no markdown test.)
    body: HOSTILE.filter(text => !text.startsWith('{{')).map(text => ({
      type: 'TextBlock' as const,
      text,
      wrap: true as const
    }))
  }
  let markdown: Rendered[]
  let plain: Rendered[]
  const cards = [card(NAMES), card(HOSTILE), control]

  it('with markdown (Teams desktop): names and hostile data show as written and form no markup', () => {
    markdown = render(cards, true)
    const [names, hostile, raw] = markdown
    // The control shows the renderer does act on raw markdown, so a pass below means something.
    expect(raw!.markup.join('\n')).toMatch(/<a [^>]*href="https:\/\/evil"/)
    expect(raw!.markup.join('\n')).toMatch(/<strong>bold<\/strong>/)
    expect(raw!.markup.join('\n')).toMatch(/<ul>|<li>/)
    expect(raw!.markup.join('\n')).toMatch(/<h1[^>]*>head<\/h1>/)
    for (const rendered of [names!, hostile!]) expect(rendered.markup).toEqual([])
    const shown = (r: Rendered): string[] => r.texts.map(seen)
    // Each value is a fact (twice: the title is the first) and a line; each shows as written.
    for (const name of NAMES) expect(shown(names!)).toContain(name)
    for (const value of HOSTILE) expect(shown(hostile!)).toContain(value)
  })

  it('without markdown (as Teams mobile shows escapes): names show as written, no backslash', () => {
    plain = render(cards.slice(0, 2), false)
    const [names, hostile] = plain
    expect(names!.texts.map(seen)).toEqual(expect.arrayContaining(NAMES))
    for (const text of names!.texts) expect(text).not.toContain('\\')
    // Hostile data neutralised with U+200B shows as written here too; only a mark that would
    // format (a `*`, `_`, `~~` or backtick pair) carries a backslash, the one escape CommonMark has.
    const backslashed = new Set(['**bold**', '_italic_', '`code`', '~~gone~~', '\\*not escaped\\*'])
    for (const value of HOSTILE.filter(v => !backslashed.has(v)))
      expect(hostile!.texts.map(seen)).toContain(value)
    expect(hostile!.texts.map(seen)).toContain('\\*\\*bold\\*\\*')
  })
})

import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import fc from 'fast-check'
import { appendedSummary, entriesSummary } from '../../../src/audit/summary.js'
import { code, escapeCell, escapeText, markdownTable, trusted } from '../../../src/core/summary.js'
import { gateSummary } from '../../../src/gate/summary.js'
import { reconcileSummary } from '../../../src/reconcile/summary.js'
import { registrationSummary } from '../../../src/registration/summary.js'
import { ROOT } from '../../harness/paths.js'
import { sampleFields } from '../../harness/audit-sample.js'
import { formatLine, GENESIS_PREV } from '../../../src/audit/format.js'
import type { AuditEntry } from '../../../src/audit/entry.js'

/**
 * Renders markdown the way a job summary does (CommonMark with raw HTML on, GFM tables and
 * strike-through) with markdown-it, the Python port in .venv: a real renderer, not a regex.
 */
function render(markdown: string): string {
  const python = path.join(ROOT, '.venv', 'bin', 'python')
  const result = spawnSync(
    python,
    [
      '-c',
      "import sys\nfrom markdown_it import MarkdownIt\nsys.stdout.write(MarkdownIt('commonmark', {'html': True}).enable('table').enable('strikethrough').render(sys.stdin.read()))"
    ],
    { input: markdown, encoding: 'utf8' }
  )
  if (result.status !== 0) throw new Error(`markdown-it failed: ${result.stderr}`)
  return result.stdout
}

/** Tags the data must never produce once rendered. */
function markup(html: string): string[] {
  return [
    ...html.matchAll(/<(a|img|script|b|i|em|strong|del|code|iframe|details|h[1-6])[\s>]/g)
  ].map(m => m[1]!)
}

const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '[Approved by the release manager](https://evil.example/phish)',
  '![pixel](https://evil.example/track.png)',
  '<https://evil.example>',
  '<script>alert(1)</script>',
  '**Approved**',
  '`code` | extra cell',
  'line one\n# Heading\n<details>',
  '[ref]: https://evil.example',
  '~~struck~~ $x^2$ \\[x\\](y)'
]

describe('summary escaping', () => {
  it.each(HOSTILE)('renders %j as its own text, with no markup', text => {
    const html = render(markdownTable(['value'], [[text]]))
    expect(markup(html)).toEqual([])
    // What a reader sees is the original text (entities decoded, line breaks as <br>).
    const cell = /<td>(.*)<\/td>/s.exec(html)?.[1] ?? ''
    const seen = cell
      .replace(/<br>/g, '\n')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&')
    expect(seen).toBe(text)
  })

  it('keeps trusted markup and code spans as markup, with data inside made inert', () => {
    expect(escapeCell(trusted('**DRIFT**'))).toBe('**DRIFT**')
    const html = render(`${code('a ` b | <i>', false)} and ${escapeText('[x](y)')}`)
    expect(html).toContain('<code>a ` b | &lt;i&gt;</code>')
    expect(html).not.toContain('<a ')
  })

  it('random text never renders a tag of its own (1,000 cases through markdown-it)', () => {
    const piece = fc.constantFrom(
      '<',
      '>',
      '[',
      ']',
      '(',
      ')',
      '!',
      '`',
      '*',
      '_',
      '~',
      '|',
      '\\',
      '&',
      '#',
      '\n',
      'a',
      ' ',
      'http://x',
      'img',
      'script',
      '$',
      ':'
    )
    const samples = fc.sample(
      fc.array(piece, { maxLength: 30 }).map(p => p.join('')),
      { numRuns: 1000, seed: 3 }
    )
    // One renderer process for all samples: one table row each.
    const html = render(
      markdownTable(
        ['v'],
        samples.map(s => [s])
      )
    )
    expect(markup(html)).toEqual([])
    expect(html.match(/<tr>/g)).toHaveLength(samples.length + 1)
  })

  it('every summary builder escapes its data', () => {
    const evil = '<img src=x onerror=alert(1)>[click](https://evil.example)'
    const entry = JSON.parse(
      formatLine(
        sampleFields(0, {
          model: evil,
          reason: evil,
          from: evil,
          previous_version: evil,
          actor: evil
        }),
        1,
        GENESIS_PREV
      )
    ) as AuditEntry
    const chain = { valid: true, entries: 1, headSha256: GENESIS_PREV }
    const builders: [string, string][] = [
      ['audit render', entriesSummary('AUDIT.log', [entry], chain)],
      ['audit append', appendedSummary('AUDIT.log', JSON.stringify(entry), undefined)],
      [
        'registration',
        registrationSummary({
          registered: true,
          model: evil,
          version: '3',
          source: evil,
          runId: 'r',
          status: 'READY',
          createdModel: false,
          tags: { [evil]: evil }
        } as never)
      ],
      [
        'reconcile',
        reconcileSummary(
          {
            inSync: false,
            models: [evil],
            findings: [{}],
            rows: [
              {
                inSync: false,
                model: evil,
                target: { kind: 'alias', name: evil },
                registryVersion: evil,
                auditedVersion: null,
                lastUpdatedTimestamp: null,
                userId: evil
              }
            ]
          } as never,
          'AUDIT.log'
        )
      ],
      [
        'validate-metrics',
        gateSummary(
          {
            passed: false,
            rows: [
              {
                metric: evil,
                observed: 1,
                rule: evil,
                champion: null,
                delta: null,
                verdict: 'fail',
                reason: evil,
                source: evil,
                note: evil
              }
            ]
          } as never,
          { subject: evil, champion: evil, notices: [evil] }
        )
      ]
    ]
    for (const [name, markdown] of builders) {
      const html = render(markdown)
      // The builders' own markup (headings, bold, code spans, the run link) is allowed; a link
      // or image made of data is not.
      expect({
        name,
        tags: markup(html).filter(t => !['strong', 'h3', 'code', 'a'].includes(t))
      }).toEqual({ name, tags: [] })
      expect({
        name,
        links: [...html.matchAll(/<(?:a href|img src)="([^"]*)"/g)]
          .map(m => m[1])
          .filter(href => !href!.startsWith('https://github.com/'))
      }).toEqual({ name, links: [] })
    }
  })
})

import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { OUTPUT, ROOT } from './paths.js'

/**
 * Each chat platform's own check of a message: the `adaptivecards` package's parser and
 * validator for a Teams card, and TypeScript against `@slack/types` for a Slack payload.
 */
const require = createRequire(import.meta.url)
// adaptivecards' ESM lib/ does not import in Node; its UMD bundle is the same parser.
const AC = require('adaptivecards/dist/adaptivecards.js') as {
  AdaptiveCard: new () => {
    parse(json: unknown, context: unknown): void
    validateProperties(): { validationEvents: { message: string }[] }
  }
  SerializationContext: new () => { eventCount: number; getEventAt(i: number): { message: string } }
}

/** Every problem the adaptivecards parser and validator report for a card (none: valid). */
export function adaptiveCardProblems(card: unknown): string[] {
  const parsed = new AC.AdaptiveCard()
  const context = new AC.SerializationContext()
  parsed.parse(card, context)
  const events = Array.from({ length: context.eventCount }, (_, i) => context.getEventAt(i).message)
  return [...events, ...parsed.validateProperties().validationEvents.map(e => e.message)]
}

/**
 * Type-checks payloads as they arrived on the wire against @slack/webhook's
 * IncomingWebhookSendArguments (blocks: @slack/types KnownBlock), the way a TypeScript caller
 * of Slack's client would be checked: each JSON is pasted as an object literal, so unknown
 * properties, wrong block types and wrong field types are errors. Returns tsc's error lines.
 */
export function slackTypeProblems(payloads: unknown[]): string[] {
  mkdirSync(OUTPUT, { recursive: true })
  const dir = mkdtempSync(path.join(OUTPUT, 'slack-types-'))
  const file = path.join(dir, 'payloads.ts')
  writeFileSync(
    file,
    [
      "import type { IncomingWebhookSendArguments } from '@slack/webhook'",
      "import type { KnownBlock } from '@slack/types'",
      ...payloads.flatMap((p, i) => {
        const { blocks, ...rest } = p as { blocks?: unknown }
        return [
          `export const blocks${i}: KnownBlock[] = ${JSON.stringify(blocks ?? null)}`,
          `export const payload${i}: IncomingWebhookSendArguments = { ...${JSON.stringify(rest)}, blocks: blocks${i} }`
        ]
      }),
      ''
    ].join('\n')
  )
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        types: [],
        typeRoots: [path.join(ROOT, 'node_modules', '@types')]
      },
      files: ['payloads.ts']
    })
  )
  try {
    execFileSync(
      process.execPath,
      [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir],
      {
        encoding: 'utf8',
        stdio: 'pipe'
      }
    )
    return []
  } catch (error) {
    const out = String((error as { stdout?: string }).stdout ?? error)
    return out.split('\n').filter(l => /error TS\d+/.test(l))
  }
}

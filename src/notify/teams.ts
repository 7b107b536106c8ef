import { capped, truncate, type NotificationMessage } from './message.js'
import { escapeCardMarkdown } from './card-markdown.js'

/**
 * Microsoft Teams: an Adaptive Card in the envelope that both a Teams "Workflows" webhook (Power
 * Automate's "When a Teams webhook request is received" → "Post card in a chat or channel") and a
 * classic Office 365 connector incoming webhook accept: `{type: "message", attachments: [{
 * contentType: "application/vnd.microsoft.card.adaptive", content: <card>}]}`. Version 1.4: what
 * Workflows posts everywhere Teams runs (1.5 features are not used).
 */
export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive'
export const ADAPTIVE_CARD_VERSION = '1.4'
/** Lines per list; Teams refuses a message over 28 KB, which this keeps far below. */
const LINES_PER_SECTION = 12

// Data is neutralised only where markdown would act on it: see card-markdown.ts.
export { escapeCardMarkdown } from './card-markdown.js'

export interface AdaptiveTextBlock {
  type: 'TextBlock'
  text: string
  wrap: true
  weight?: 'Bolder'
  size?: 'Large' | 'Medium'
  color?: 'Good' | 'Attention' | 'Accent'
  spacing?: 'None' | 'Medium'
  isSubtle?: boolean
}

export interface AdaptiveFactSet {
  type: 'FactSet'
  facts: { title: string; value: string }[]
}

export interface AdaptiveCard {
  $schema: string
  type: 'AdaptiveCard'
  version: string
  body: (AdaptiveTextBlock | AdaptiveFactSet)[]
  actions: { type: 'Action.OpenUrl'; title: string; url: string }[]
  msteams: { width: 'Full' }
}

export interface TeamsPayload {
  type: 'message'
  summary: string
  attachments: [
    { contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE; contentUrl: null; content: AdaptiveCard }
  ]
}

const COLOR = { pending: 'Accent', success: 'Good', failure: 'Attention' } as const

export function teamsPayload(message: NotificationMessage): TeamsPayload {
  const body: AdaptiveCard['body'] = [
    {
      type: 'TextBlock',
      text: escapeCardMarkdown(truncate(message.title, 300)),
      wrap: true,
      weight: 'Bolder',
      size: 'Large',
      color: COLOR[message.status]
    },
    {
      type: 'FactSet',
      facts: message.facts.map(f => ({
        title: escapeCardMarkdown(f.label),
        value: escapeCardMarkdown(truncate(f.value, 2000))
      }))
    }
  ]
  for (const section of message.sections) {
    body.push({
      type: 'TextBlock',
      text: escapeCardMarkdown(section.heading),
      wrap: true,
      weight: 'Bolder',
      spacing: 'Medium'
    })
    for (const line of capped(section.lines, LINES_PER_SECTION))
      body.push({
        type: 'TextBlock',
        text: escapeCardMarkdown(truncate(line, 2000)),
        wrap: true,
        spacing: 'None'
      })
  }
  body.push({
    type: 'TextBlock',
    text: escapeCardMarkdown(`model-governance · ${message.kind}`),
    wrap: true,
    isSubtle: true,
    spacing: 'Medium'
  })
  return {
    type: 'message',
    summary: truncate(message.title, 300),
    attachments: [
      {
        contentType: ADAPTIVE_CARD_CONTENT_TYPE,
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: ADAPTIVE_CARD_VERSION,
          body,
          actions: message.links.map(l => ({ type: 'Action.OpenUrl', title: l.label, url: l.url })),
          msteams: { width: 'Full' }
        }
      }
    ]
  }
}

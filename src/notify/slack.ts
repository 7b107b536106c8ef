import type { ActionsBlock, Button, KnownBlock, MrkdwnElement } from '@slack/types'
import { capped, truncate, type NotificationMessage } from './message.js'
import { neutraliseBidi } from '../core/text-safety.js'

/**
 * Data in Slack mrkdwn, shown as written.
 *
 * Slack documents `&`, `<` and `>` as the characters to escape (as `&amp;`, `&lt;`, `&gt;`):
 * with them escaped, data cannot form a link (`<url|text>`), a mention (`<@U123>`,
 * `<!channel>`) or a date token. Incoming webhooks do not link bare names (link_names is
 * false), so `@channel` in data stays text.
 *
 * mrkdwn has no backslash escape (a backslash shows as typed), so the formatting marks `*` bold,
 * `_` italic, `~` strike and `` ` `` code are neutralised with an invisible U+200B ZERO WIDTH
 * SPACE: Slack formats only between marks at word edges (`snake_case` and `a*b` stay text), so a
 * mark at an edge gets U+200B on its outer side, where it would open (before it) or close (after
 * it), and no longer stands at a word edge. A `&gt;` that starts a line (a quote) gets one first.
 * Slack has no offline renderer: the unit tests check the blocks against these rules (Slack documents
 * the marks and the three escapes; the word-edge rule is how its clients apply the marks).
 */
export function escapeMrkdwn(text: string): string {
  const escaped = neutraliseBidi(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
  const chars = Array.from(escaped)
  const word = (c: string | undefined): boolean => c !== undefined && WORD.test(c)
  const out = chars.map((c, i) => {
    if (!MARKS.has(c)) return c
    // Marks side by side (`**`) each get theirs: a mark next to a mark is at no word edge.
    const opens = !word(chars[i - 1])
    const closes = !word(chars[i + 1])
    return `${opens ? ZWSP : ''}${c}${closes ? ZWSP : ''}`
  })
  return out
    .join('')
    .replace(/\u200b{2,}/g, ZWSP)
    .replace(/(^|\n)&gt;/g, `$1${ZWSP}&gt;`)
}

const ZWSP = '\u200b'
const MARKS = new Set(['*', '_', '~', '`'])
const WORD = /[\p{L}\p{N}]/u

/** Block Kit limits (docs.slack.dev, block reference): checked here so Slack never refuses a message. */
export const SLACK_LIMITS = {
  headerText: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  buttonText: 75,
  buttonUrl: 3000,
  linesPerSection: 12
} as const

export interface SlackPayload {
  /** The notification text (push notifications, and clients that do not render blocks). */
  text: string
  blocks: KnownBlock[]
}

const mrkdwn = (text: string): MrkdwnElement => ({ type: 'mrkdwn', text })

const STATUS_MARK = { pending: '⏳', success: '✅', failure: '❌' } as const

/** The message as Block Kit: header, the facts as fields, one section per list, the buttons. */
export function slackPayload(message: NotificationMessage): SlackPayload {
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: truncate(`${STATUS_MARK[message.status]} ${message.title}`, SLACK_LIMITS.headerText),
        emoji: true
      }
    },
    {
      type: 'section',
      fields: message.facts
        .slice(0, SLACK_LIMITS.fields)
        .map(f =>
          mrkdwn(
            truncate(`*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(f.value)}`, SLACK_LIMITS.fieldText)
          )
        )
    }
  ]
  for (const section of message.sections) {
    const lines = capped(section.lines, SLACK_LIMITS.linesPerSection).map(
      l => `• ${escapeMrkdwn(l)}`
    )
    blocks.push({
      type: 'section',
      text: mrkdwn(
        truncate(
          [`*${escapeMrkdwn(section.heading)}*`, ...lines].join('\n'),
          SLACK_LIMITS.sectionText
        )
      )
    })
  }
  const buttons: Button[] = message.links
    .filter(l => l.url.length <= SLACK_LIMITS.buttonUrl)
    .map((l, i) => ({
      type: 'button',
      text: { type: 'plain_text', text: truncate(l.label, SLACK_LIMITS.buttonText) },
      url: l.url,
      action_id: `model-governance-link-${i}`,
      ...(i === 0 ? { style: 'primary' as const } : {})
    }))
  if (buttons.length > 0) {
    const actions: ActionsBlock = { type: 'actions', elements: buttons }
    blocks.push(actions)
  }
  blocks.push({
    type: 'context',
    elements: [mrkdwn(`model-governance · ${message.kind}`)]
  })
  return { text: escapeMrkdwn(message.title), blocks }
}

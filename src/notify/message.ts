/**
 * What a notification says, independent of where it goes. The approval request and the outcome
 * are each built into one `NotificationMessage`; the Slack, Teams and generic-JSON builders only
 * lay it out. Every string in it is plain text (data, unescaped): each builder escapes for its
 * own markup, so a model name or a reviewer's comment can never become a link or a mention.
 */
export type NotificationKind = 'approval-requested' | 'outcome'

/** pending: waiting for reviewers; success / failure: the audited outcome. */
export type NotificationStatus = 'pending' | 'success' | 'failure'

export interface Fact {
  label: string
  value: string
}

/** A titled list of short lines (the roles, the gate's key metrics, the lineage verdict). */
export interface Section {
  heading: string
  lines: string[]
}

export interface Link {
  label: string
  url: string
}

export interface NotificationMessage {
  kind: NotificationKind
  status: NotificationStatus
  /** One line: the header of the message and the text of push notifications. */
  title: string
  facts: Fact[]
  sections: Section[]
  /** The buttons, most important first (Review deployments; the audit commit; the run). */
  links: Link[]
  /** The structured data the message was built from, for the generic JSON receiver. */
  data: Record<string, unknown>
}

/** Each builder's limit on a list: the rest is counted, never silently dropped. */
export function capped(lines: string[], max: number): string[] {
  if (lines.length <= max) return lines
  return [...lines.slice(0, max - 1), `… and ${lines.length - max + 1} more`]
}

/** Cuts text to `max` characters (code points), marking the cut. */
export function truncate(text: string, max: number): string {
  const chars = [...text]
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`
}

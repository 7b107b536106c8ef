import type { NotificationMessage } from './message.js'

/**
 * The generic webhook's body: the structured data under stable names, plus the rendered lines,
 * for a receiver of one's own (a ticketing system, an on-call tool, a log). Plain JSON, no markup:
 * the receiver escapes for wherever it shows it. `schema` versions the shape.
 */
export interface GenericPayload {
  schema: 'model-governance/notification@1'
  event: NotificationMessage['kind']
  status: NotificationMessage['status']
  title: string
  facts: NotificationMessage['facts']
  sections: NotificationMessage['sections']
  links: NotificationMessage['links']
  data: Record<string, unknown>
}

export function genericPayload(message: NotificationMessage): GenericPayload {
  return {
    schema: 'model-governance/notification@1',
    event: message.kind,
    status: message.status,
    title: message.title,
    facts: message.facts,
    sections: message.sections,
    links: message.links,
    data: message.data
  }
}

/**
 * A webhook URL is its own credential, and receivers echo parts of it in their error answers: the
 * whole URL, its path, one path segment (Slack's token), a query value (a Teams workflow's
 * `sig`), percent-encoded, decoded, JSON-escaped or in another case. Every such part is redacted
 * from anything the suite says about a delivery, and registered as a secret for the runner's
 * masking.
 */

/** A part worth hiding: long enough to be a credential, or carrying a digit (an id or token). */
function secretLooking(part: string): boolean {
  return part.length >= 8 || (part.length >= 3 && /\d/.test(part))
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    return text
  }
}

/** The secret parts of a webhook URL, longest first: whole, path and query, each segment and value. */
export function webhookSecretParts(url: string): string[] {
  const parts = new Set<string>([url])
  let parsed: URL | undefined
  try {
    parsed = new URL(url)
  } catch {
    // An unparsable URL is refused before sending; the whole string is still redacted.
  }
  if (parsed) {
    const pathAndQuery = `${parsed.pathname}${parsed.search}`
    for (const whole of [parsed.href, pathAndQuery, parsed.pathname, parsed.search.slice(1)])
      if (whole.length > 1) parts.add(whole)
    const pieces = [
      ...parsed.pathname.split('/'),
      ...parsed.search
        .slice(1)
        .split('&')
        .flatMap(pair => {
          const [key, ...value] = pair.split('=')
          return [value.join('='), `${key}=${value.join('=')}`]
        })
    ]
    for (const piece of pieces) if (secretLooking(decoded(piece))) parts.add(piece)
  }
  const variants = new Set<string>()
  for (const part of parts) {
    for (const v of [
      part,
      decoded(part),
      encodeURIComponent(decoded(part)),
      part.replace(/\//g, '\\/')
    ])
      if (v.length >= 3) variants.add(v)
  }
  return [...variants].sort((a, b) => b.length - a.length)
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Replaces every secret part of the URL with ***, whatever its case. */
export function urlRedactor(url: string): (text: string) => string {
  const parts = webhookSecretParts(url)
  const pattern = new RegExp(parts.map(escapeRegex).join('|'), 'gi')
  return text => text.replace(pattern, '***')
}

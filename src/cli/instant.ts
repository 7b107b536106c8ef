import { UsageError } from './exit-codes.js'

/**
 * An ISO 8601 date or instant. A time needs its zone (Z or +hh:mm): '2026-12-01T02:00' would be
 * read in the machine's zone, and at 2 AM nobody should have to wonder which one. A bare date
 * means its start in UTC.
 */
export function parseInstant(value: string): Date {
  const usage = (why = ''): UsageError =>
    new UsageError(
      `Option --at is '${value}'${why}; use an ISO 8601 date or time with its zone, e.g. 2026-12-01 or 2026-12-01T02:00:00Z`
    )
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2})))?$/i.exec(
      value
    )
  if (!m || (m[4] !== undefined && m[7] === undefined)) throw usage()
  // JavaScript's Date rolls an impossible day over (2026-02-30 is 2026-03-02), so every field is
  // checked against the calendar first: an answer for another day than the one asked is worse
  // than none.
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (month < 1 || month > 12) throw usage(`, and there is no month ${m[2]}`)
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate()
  if (day < 1 || day > days)
    throw usage(`, and ${m[1]}-${m[2]} has ${days} days, so there is no day ${m[3]}`)
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)]
  if (hour > 23 || minute > 59 || second > 59)
    throw usage(', which is not a time of day (hours 00-23, minutes and seconds 00-59)')
  if (m[8] !== undefined && (Number(m[8]) > 23 || Number(m[9]) > 59))
    throw usage(', whose zone offset is not a time (hh:mm, hours 00-23, minutes 00-59)')
  const at = new Date(m[4] === undefined ? `${value}T00:00:00Z` : value)
  if (Number.isNaN(at.getTime())) throw usage()
  return at
}

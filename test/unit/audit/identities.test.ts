import { describe, expect, it } from '@jest/globals'
import {
  identityAllowed,
  IdentityFormatError,
  parseIdentities,
  SUITE_IDENTITIES
} from '../../../src/audit/identities.js'
import { lineTrailer, parseLineTrailer, withLineTrailer } from '../../../src/audit/line-trailer.js'
import { parseArgs } from '../../../src/cli/args.js'
import { UsageError } from '../../../src/cli/exit-codes.js'

describe('audit identities', () => {
  it('reads Name <email>, <email> and bare emails, by commas or lines', () => {
    expect(
      parseIdentities('Audit Bot <bot@example.com>, <ops@example.com>\nme@example.com')
    ).toEqual([
      { name: 'Audit Bot', email: 'bot@example.com' },
      { email: 'ops@example.com' },
      { email: 'me@example.com' }
    ])
    expect(() => parseIdentities('Mallory')).toThrow(IdentityFormatError)
    expect(() => parseIdentities('Mallory')).toThrow(
      /'Mallory' is not an identity; write 'Name <email>'/
    )
  })

  it('compares the email case-insensitively and the name exactly, when given', () => {
    const [bot] = SUITE_IDENTITIES
    expect(identityAllowed(SUITE_IDENTITIES, bot!.name!, bot!.email.toUpperCase())).toBe(true)
    expect(identityAllowed(SUITE_IDENTITIES, 'someone', bot!.email)).toBe(false)
    expect(identityAllowed([{ email: bot!.email }], 'someone', bot!.email)).toBe(true)
    // The web editor's committer is not an author the suite uses.
    expect(identityAllowed(SUITE_IDENTITIES, 'GitHub', 'noreply@github.com')).toBe(false)
  })
})

describe('Audit-Line trailer', () => {
  it('round-trips and refuses anything else', () => {
    const sha = 'a'.repeat(64)
    expect(withLineTrailer('Audit: promote', 3, sha)).toBe(`Audit: promote\n\nAudit-Line: 3 ${sha}`)
    expect(parseLineTrailer(lineTrailer(3, sha).slice('Audit-Line: '.length))).toEqual({
      seq: 3,
      sha256: sha
    })
    expect(parseLineTrailer(`0 ${sha}`)).toBeUndefined()
    expect(parseLineTrailer(`3 ${sha},4 ${sha}`)).toBeUndefined()
    expect(parseLineTrailer(`3 ${'A'.repeat(64)}`)).toBeUndefined()
  })
})

describe('CLI options of the history and run checks', () => {
  it('parses them and refuses a bad commit id', () => {
    expect(parseArgs(['verify-audit'])).toMatchObject({ history: true, checkRuns: false })
    expect(
      parseArgs([
        'verify-audit',
        '--no-history',
        '--check-runs',
        '--expected-commit',
        'abc1234',
        '--audit-identities=<a@b.c>'
      ])
    ).toMatchObject({
      history: false,
      checkRuns: true,
      expectedCommit: 'abc1234',
      auditIdentities: '<a@b.c>'
    })
    expect(() => parseArgs(['verify-audit', '--expected-commit', 'HEAD~1'])).toThrow(UsageError)
  })
})

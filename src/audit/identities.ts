/**
 * Who may append to AUDIT.log, as git records it. The history check compares each commit's
 * author with this list (audit-log/README.md, "History check").
 */
export interface AuditIdentity {
  /** Absent: any name with this email. */
  name?: string
  email: string
}

/**
 * The identity the suite's own committers use, for both commit methods:
 * - commit-method git: author and committer are the author-name/author-email inputs, whose
 *   defaults are these;
 * - commit-method api (GraphQL createCommitOnBranch with the workflow's GITHUB_TOKEN): GitHub
 *   sets the author to this identity and the committer to `GitHub <noreply@github.com>`, and
 *   signs the commit with its web-flow key.
 * The committer is not what is compared: every commit made in GitHub's web editor has the
 * committer `GitHub <noreply@github.com>` too, so allowing it would allow any user's edit.
 */
export const SUITE_IDENTITIES: readonly AuditIdentity[] = [
  { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com' }
]

/** `Name <email>` or `<email>` (or a bare email), one per comma or line. */
export function parseIdentities(text: string): AuditIdentity[] {
  const identities: AuditIdentity[] = []
  for (const raw of text.split(/[,\n]/)) {
    const item = raw.trim()
    if (item === '') continue
    const full = /^(.*?)\s*<([^<>\s]+@[^<>\s]+)>$/.exec(item)
    if (full) {
      identities.push(full[1] ? { name: full[1], email: full[2]! } : { email: full[2]! })
      continue
    }
    if (/^[^<>\s]+@[^<>\s]+$/.test(item)) {
      identities.push({ email: item })
      continue
    }
    throw new IdentityFormatError(item)
  }
  return identities
}

export class IdentityFormatError extends Error {
  constructor(readonly item: string) {
    super(
      `'${item}' is not an identity; write 'Name <email>' or '<email>', separated by commas or lines`
    )
  }
}

export function identityAllowed(
  allowed: readonly AuditIdentity[],
  name: string,
  email: string
): boolean {
  return allowed.some(
    a => a.email.toLowerCase() === email.toLowerCase() && (a.name === undefined || a.name === name)
  )
}

export function formatIdentity(identity: AuditIdentity): string {
  return identity.name === undefined
    ? `<${identity.email}>`
    : `${identity.name} <${identity.email}>`
}

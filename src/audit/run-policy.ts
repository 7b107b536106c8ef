/**
 * The policy facts the run check reads (the policy room's runCheckFacts builds them; the audit
 * room does not import the policy room, so the shape is declared here and matched structurally).
 */
export interface StageFacts {
  /** The stage's name in the policy. */
  name: string
  requiresApproval: boolean
  allowSelfApproval: boolean
  /** Each role and the environment whose review stands for it (one role per stage without sign_off). */
  roles: { role: string; environment: string; approvers: string[] }[]
}

export interface RunCheckPolicy {
  /** Caller workflows (`.github/workflows/promote.yml`) whose dispatches may record governed events. */
  callerWorkflows: string[]
  /** Workflows that may record drift-detected events (scheduled or dispatched). */
  driftWorkflows: string[]
  /**
   * The approval workflow releases a caller must have called, `owner/repo/.github/workflows/
   * model-approval.yml@ref`. Empty: any repository's model-approval.yml pinned to a full commit
   * SHA (the verdict says the release is not pinned by the policy).
   */
  approvalWorkflows: string[]
  /** The policy's stage for a model's target (a stage or an alias), or undefined. */
  stage(model: string, target: string): StageFacts | undefined
}

/** The defaults of `governance:` with no stages known: every target is unknown. */
export const DEFAULT_RUN_POLICY: RunCheckPolicy = {
  callerWorkflows: ['.github/workflows/promote.yml', '.github/workflows/rollback.yml'],
  driftWorkflows: ['.github/workflows/drift-check.yml'],
  approvalWorkflows: [],
  stage: () => undefined
}

const PINNED = /^([\w.-]+\/[\w.-]+)\/(\.github\/workflows\/[\w.-]+\.ya?ml)@([\w./-]+)$/
const FULL_SHA = /^[0-9a-f]{40}$/

/**
 * Parses `approval-workflows` entries (commas or lines). Each must carry its @ref: the ref is
 * what a team trusts, so it is compared, never dropped. Returns the refused ones separately.
 */
export function parseApprovalWorkflows(text: string): { accepted: string[]; refused: string[] } {
  const items = text
    .split(/[,\n]/)
    .map(w => w.trim())
    .filter(Boolean)
  return {
    accepted: items.filter(w => PINNED.test(w)),
    refused: items.filter(w => !PINNED.test(w))
  }
}

/**
 * Whether a referenced workflow (`path` as GitHub lists it, `owner/repo/.github/workflows/x.yml@ref`,
 * and the commit `sha` it resolved to) is an accepted release of the approval workflow.
 */
export function acceptedApprovalWorkflow(
  called: { path: string; sha: string },
  pinned: string[]
): boolean {
  const match = PINNED.exec(called.path)
  if (!match) return false
  const [, repository, file, ref] = match as unknown as [string, string, string, string]
  if (pinned.length === 0)
    // Unpinned policy: the suite's file name, at a full commit SHA that GitHub resolved to itself.
    return (
      file === '.github/workflows/model-approval.yml' && FULL_SHA.test(ref) && called.sha === ref
    )
  return pinned.some(p => {
    const want = PINNED.exec(p)
    if (!want) return false
    const [, wantRepository, wantFile, wantRef] = want as unknown as [
      string,
      string,
      string,
      string
    ]
    return (
      wantRepository.toLowerCase() === repository.toLowerCase() &&
      wantFile === file &&
      wantRef === ref &&
      // A commit pin must also be what GitHub ran (a tag pin is compared as written).
      (!FULL_SHA.test(wantRef) || called.sha === wantRef)
    )
  })
}

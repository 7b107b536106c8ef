/**
 * What notify was asked to announce, after its inputs were checked against each other
 * (actions/notify/inputs.ts `refine`): the approval request's parts, or an audited outcome.
 * Here, not in the action, so that the message is built in this room (build-message.ts).
 */
export type Announcement =
  | {
      kind: 'approval-requested'
      model: string
      version: string
      stage: string
      reason: string
      gateReport: string | undefined
      lineageReport: string | undefined
      artifact: string | undefined
      artifactManifest: string | undefined
      rollback: { replacing: string } | undefined
    }
  | { kind: 'outcome'; entry: string; auditCommit: string | undefined }

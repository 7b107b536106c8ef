import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import yaml from 'js-yaml'
import { ROOT } from '../../harness/paths.js'
import {
  APPROVAL_WORKFLOW,
  EXAMPLES,
  loadWorkflow,
  needsOf,
  workflowText,
  type Step
} from './workflow-files.js'

const workflow = loadWorkflow(APPROVAL_WORKFLOW)
const call = workflow.on.workflow_call!
const step = (job: string, id: string): Step => {
  const found = workflow.jobs[job]!.steps!.find(s => s.id === id)
  if (!found) throw new Error(`no step ${id} in job ${job}`)
  return found
}

describe('model-approval.yml: interface', () => {
  it('is a reusable workflow with the inputs the issue names, and declares no secrets', () => {
    expect(Object.keys(workflow.on)).toEqual(['workflow_call'])
    expect(Object.keys(call.inputs!)).toEqual(
      expect.arrayContaining([
        'model-name',
        'version',
        'target-stage',
        'justification',
        'policy-file',
        'tracking-uri',
        'audit-branch',
        'working-directory'
      ])
    )
    // Declared secrets would shadow the guarded environments' own secrets of the same name;
    // callers pass secrets: inherit (docs/workflow.md, "Credentials").
    expect(call.secrets).toBeUndefined()
    for (const [name, spec] of Object.entries(call.inputs!)) {
      expect({ name, described: Boolean(spec.description) }).toEqual({ name, described: true })
      // workflow_call accepts only these types.
      expect(['string', 'boolean', 'number']).toContain(spec.type)
    }
  })
})

describe('model-approval.yml: job graph', () => {
  it('runs validate, then one sign-off job per role, then promote, then audit, which always runs', () => {
    expect(Object.keys(workflow.jobs)).toEqual(['validate', 'sign-off', 'promote', 'audit'])
    expect(needsOf(workflow.jobs.validate!)).toEqual([])
    expect(needsOf(workflow.jobs['sign-off']!)).toEqual(['validate'])
    expect(needsOf(workflow.jobs.promote!)).toEqual(['validate', 'sign-off'])
    expect(needsOf(workflow.jobs.audit!).sort()).toEqual(['promote', 'sign-off', 'validate'])
    expect(workflow.jobs.audit!.if).toBe('${{ always() }}')
    expect(workflow.jobs.promote!.if).toMatch(
      /needs\.sign-off\.result == 'success' \|\| needs\.sign-off\.result == 'skipped'/
    )
    expect(workflow.jobs['sign-off']!.environment).toEqual({ name: '${{ matrix.environment }}' })
  })

  it('reads the policy from the default branch, never from the dispatched commit', () => {
    const steps = workflow.jobs.validate!.steps!
    const policy = steps.find(s => s.id === 'policy')!
    expect(policy.with).toMatchObject({
      ref: '${{ github.event.repository.default_branch }}',
      path: '.model-governance/default-branch'
    })
    const resolve = step('validate', 'resolve')
    expect(resolve.uses).toBe('$/resolve-stage')
    expect(resolve.with).toMatchObject({
      'policy-root': '.model-governance/default-branch',
      'github-token': '${{ github.token }}'
    })
    for (const id of ['lineage', 'gate'])
      expect(step('validate', id).with!['policy-file']).toBe(
        '${{ steps.resolve.outputs.policy-path }}'
      )
    const promoteCheckout = workflow.jobs.promote!.steps!.find(
      s => s.with?.path === '.model-governance/default-branch'
    )!
    expect(promoteCheckout.with!.ref).toBe('${{ needs.validate.outputs.policy-commit }}')
  })

  it("validate checks out the version's lineage commit and runs lineage-check then validate-metrics, exposing their outputs", () => {
    const steps = workflow.jobs.validate!.steps!
    expect(steps[0]!.uses).toMatch(/^actions\/checkout@/)
    // Full history: the lineage commit and the default branch's history must be in the clone.
    expect(steps[0]!.with).toMatchObject({
      ref: '${{ github.sha }}',
      'fetch-depth': 0,
      'persist-credentials': false
    })
    // Each version at its own commit: found on the default branch's history, then checked out,
    // before the data are pulled and the lineage and metrics are read.
    const locate = step('validate', 'locate')
    expect(locate.uses).toBe('$/lineage-check')
    expect(locate.with).toMatchObject({
      mode: 'find-lineage-commit',
      'default-branch': '${{ github.event.repository.default_branch }}',
      'model-name': '${{ inputs.model-name }}',
      version: '${{ inputs.version }}'
    })
    const index = (pred: (s: Step) => boolean): number => steps.findIndex(pred)
    const checkoutLineage = index(s => s.env?.LINEAGE_COMMIT !== undefined)
    expect(steps[checkoutLineage]!.env!.LINEAGE_COMMIT).toBe(
      '${{ steps.locate.outputs.lineage-commit }}'
    )
    expect(steps[checkoutLineage]!.run).toContain('checkout --quiet --detach "$LINEAGE_COMMIT"')
    expect(index(s => s.id === 'locate')).toBeLessThan(checkoutLineage)
    expect(checkoutLineage).toBeLessThan(index(s => s.name === 'Pull the DVC data'))
    expect(checkoutLineage).toBeLessThan(index(s => s.id === 'lineage'))
    expect(step('validate', 'lineage').with!.stage).toBe('${{ steps.resolve.outputs.stage }}')
    expect(workflow.jobs.validate!.outputs!['lineage-level']).toBe(
      '${{ steps.lineage.outputs.level }}'
    )
    const uses = steps.map(s => s.uses).filter(Boolean)
    expect(uses.indexOf('$/lineage-check')).toBeLessThan(uses.indexOf('$/validate-metrics'))
    const outputs = workflow.jobs.validate!.outputs!
    for (const name of ['verified', 'lineage', 'git-commit']) {
      expect(outputs[name]).toBe(`\${{ steps.lineage.outputs.${name} }}`)
    }
    for (const name of ['passed', 'failures', 'metrics', 'champion-version']) {
      expect(outputs[name]).toBe(`\${{ steps.gate.outputs.${name} }}`)
    }
    // Both report instead of failing, so the audit job still receives their outputs.
    expect(step('validate', 'lineage').with!['fail-on-mismatch']).toBe('false')
    expect(step('validate', 'gate').with!['fail-on-violation']).toBe('false')
  })

  it('promote runs promote-model in the environment that the policy names for the stage', () => {
    const promote = workflow.jobs.promote!
    expect(promote.environment).toEqual({ name: '${{ needs.validate.outputs.environment }}' })
    expect(workflow.jobs.validate!.outputs!.environment).toBe(
      '${{ steps.resolve.outputs.environment }}'
    )
    const promotions = promote.steps!.filter(s => s.uses === '$/promote-model')
    expect(promotions.map(s => s.with!['dry-run'])).toEqual(['true', undefined])
    // The write is a compare-and-set against the holder the approved dry run saw.
    expect(promotions[1]!.with!['expected-previous-version']).toBe(
      "${{ steps.approval.outputs.previous-version || 'none' }}"
    )
    for (const s of promotions) {
      expect(s.with).toMatchObject({
        'github-token': '${{ github.token }}',
        stage: '${{ needs.validate.outputs.stage }}',
        'model-name': '${{ inputs.model-name }}',
        'tracking-token': '${{ secrets.MLFLOW_REGISTRY_TOKEN }}',
        'audit-file': '.model-governance/audit/AUDIT.log'
      })
    }
  })

  it('audit calls audit-log with the event and outcome the workflow decided', () => {
    const append = workflow.jobs.audit!.steps!.find(s => s.uses === '$/audit-log')!
    expect(append.with).toMatchObject({
      event: '${{ steps.event.outputs.event }}',
      outcome: '${{ steps.event.outputs.outcome }}',
      reason: '${{ inputs.justification }}',
      version: '${{ steps.event.outputs.version }}',
      lineage: '${{ needs.validate.outputs.lineage }}',
      'sign-off': '${{ needs.validate.outputs.sign-off }}',
      branch: '${{ inputs.audit-branch || github.event.repository.default_branch }}'
    })
    // Every input is a whole value: no output is pasted into a structured string.
    for (const [name, value] of Object.entries(append.with!))
      expect({ name, pasted: /\S\$\{\{|\}\}\S/.test(String(value)) }).toEqual({
        name,
        pasted: false
      })
  })
})

describe('model-approval.yml: approved bytes', () => {
  it('validate resolves the version and digests its files with the read credential, after the checks', () => {
    const steps = workflow.jobs.validate!.steps!
    const plan = step('validate', 'plan')
    expect(plan.uses).toBe('$/promote-model')
    expect(plan.with).toMatchObject({
      'plan-only': 'true',
      rollback: '${{ inputs.rollback }}',
      version: '${{ inputs.version }}',
      stage: '${{ steps.resolve.outputs.stage }}',
      'tracking-token': '${{ secrets.MLFLOW_READ_TOKEN }}',
      'audit-file': '.model-governance/audit/AUDIT.log'
    })
    expect(JSON.stringify(plan)).not.toContain('MLFLOW_REGISTRY')
    expect(plan.if).toBeUndefined()
    const stop = steps.findIndex(s => s.name === 'Stop unless lineage and gate passed')
    expect(steps.indexOf(plan)).toBeGreaterThan(stop)
    const audit = steps.find(s => s.with?.path === '.model-governance/audit')!
    expect(audit.if).toBe('${{ inputs.rollback }}')
    expect(steps.indexOf(audit)).toBeLessThan(steps.indexOf(plan))
    const outputs = workflow.jobs.validate!.outputs!
    expect(outputs).toMatchObject({
      version: '${{ steps.plan.outputs.version }}',
      'current-version': '${{ steps.plan.outputs.previous-version }}',
      'artifact-digest': '${{ steps.plan.outputs.artifact-digest }}',
      'artifact-manifest': '${{ steps.plan.outputs.artifact-manifest }}',
      artifact: '${{ steps.plan.outputs.artifact }}'
    })
  })

  it('the write checks the approved digest and rollback version; the dry run does not, so its failure stays a rejection', () => {
    const [dry, write] = workflow.jobs.promote!.steps!.filter(s => s.uses === '$/promote-model')
    expect(write!.with).toMatchObject({
      'approved-artifact-digest': '${{ needs.validate.outputs.artifact-digest }}',
      'approved-artifact-manifest': '${{ needs.validate.outputs.artifact-manifest }}',
      'rollback-version': "${{ inputs.rollback && needs.validate.outputs.version || '' }}"
    })
    for (const key of [
      'approved-artifact-digest',
      'approved-artifact-manifest',
      'rollback-version'
    ])
      expect(dry!.with![key]).toBeUndefined()
  })

  it('audit-log records the approved artifact, passed whole', () => {
    const append = workflow.jobs.audit!.steps!.find(s => s.uses === '$/audit-log')!
    expect(append.with!.artifact).toBe('${{ needs.validate.outputs.artifact }}')
  })
})

describe('model-approval.yml: notifications', () => {
  const SECRETS = {
    'slack-webhook-url': '${{ secrets.SLACK_WEBHOOK_URL }}',
    'teams-webhook-url': '${{ secrets.TEAMS_WEBHOOK_URL }}',
    'webhook-url': '${{ secrets.NOTIFY_WEBHOOK_URL }}'
  }
  const GATE =
    "${{ secrets.SLACK_WEBHOOK_URL != '' || secrets.TEAMS_WEBHOOK_URL != '' || secrets.NOTIFY_WEBHOOK_URL != '' }}"
  const notifySteps = (job: string): Step[] =>
    workflow.jobs[job]!.steps!.filter(s => s.uses === '$/notify')

  it('asks for approval as the last step of validate, before any job waits on an environment', () => {
    const steps = workflow.jobs.validate!.steps!
    const [request] = notifySteps('validate')
    expect(steps.at(-1)).toBe(request)
    // sign-off and promote, the jobs that name environments, both need validate.
    expect(needsOf(workflow.jobs['sign-off']!)).toContain('validate')
    expect(needsOf(workflow.jobs.promote!)).toContain('validate')
    expect(request!.with).toEqual({
      event: 'approval-requested',
      'model-name': '${{ inputs.model-name }}',
      version: '${{ steps.plan.outputs.version }}',
      stage: '${{ steps.resolve.outputs.stage }}',
      reason: '${{ inputs.justification }}',
      rollback: '${{ inputs.rollback }}',
      'previous-version': '${{ steps.plan.outputs.previous-version }}',
      artifact: '${{ steps.plan.outputs.artifact }}',
      'artifact-manifest': '${{ steps.plan.outputs.artifact-manifest }}',
      'gate-report': '${{ steps.gate.outputs.report }}',
      'lineage-report': '${{ steps.lineage.outputs.report }}',
      'policy-file': '${{ steps.resolve.outputs.policy-path }}',
      ...SECRETS,
      'fail-on-error': 'false'
    })
    // A rollback is announced too: its version is resolved in validate, before anyone approves.
    expect(request!.if).toBe(
      "${{ env.MODEL_GOVERNANCE_NOTIFY == 'true' && steps.resolve.outputs.guarded == 'true' }}"
    )
  })

  it('posts the outcome after audit-log appended, from its entry and commit', () => {
    const steps = workflow.jobs.audit!.steps!
    const [outcome] = notifySteps('audit')
    expect(steps.indexOf(outcome!)).toBeGreaterThan(steps.findIndex(s => s.uses === '$/audit-log'))
    expect(outcome!.with).toEqual({
      event: 'outcome',
      entry: '${{ steps.audit.outputs.entry }}',
      'audit-commit': '${{ steps.audit.outputs.commit-sha }}',
      ...SECRETS,
      'fail-on-error': 'false'
    })
    expect(outcome!.if).toBe("${{ env.MODEL_GOVERNANCE_NOTIFY == 'true' }}")
  })

  it('only when the caller passes a webhook secret; the job env holds the answer, never a URL', () => {
    for (const job of ['validate', 'audit']) {
      const env = (workflow.jobs[job] as { env?: Record<string, string> }).env
      expect(env).toEqual({ MODEL_GOVERNANCE_NOTIFY: GATE })
    }
    const elsewhere = Object.entries(workflow.jobs).flatMap(([name, job]) =>
      (job.steps ?? [])
        .filter(s => s.uses !== '$/notify' && JSON.stringify(s).includes('WEBHOOK_URL'))
        .map(s => `${name}: ${s.name}`)
    )
    expect(elsewhere).toEqual([])
  })
})

describe('model-approval.yml: permissions, concurrency, pins', () => {
  it('starts from permissions: {} and grants each job only what it needs; only audit writes', () => {
    expect(workflow.permissions).toEqual({})
    // id-token: write mints GitHub's OIDC token for the artifact store's keyless login steps,
    // in the two jobs that read the model's files; it writes nothing.
    expect(workflow.jobs.validate!.permissions).toEqual({
      contents: 'read',
      actions: 'read',
      'id-token': 'write'
    })
    expect(workflow.jobs['sign-off']!.permissions).toEqual({})
    expect(workflow.jobs.promote!.permissions).toEqual({
      contents: 'read',
      actions: 'read',
      'id-token': 'write'
    })
    expect(workflow.jobs.audit!.permissions).toEqual({ contents: 'write', actions: 'read' })
    const writers = Object.entries(workflow.jobs).filter(([, job]) =>
      Object.entries(job.permissions ?? {}).some(
        ([scope, level]) => scope !== 'id-token' && level === 'write'
      )
    )
    expect(writers.map(([name]) => name)).toEqual(['audit'])
    const oidc = Object.entries(workflow.jobs).filter(([, job]) => job.permissions?.['id-token'])
    expect(oidc.map(([name]) => name)).toEqual(['validate', 'promote'])
  })

  it.each(['validate', 'promote'])(
    '%s gets the artifact store credentials (secrets named as MLflow reads them, or OIDC inputs) before any step reads the model',
    jobName => {
      const steps = workflow.jobs[jobName]!.steps!
      const names = steps.map(s => s.name)
      const exportAt = names.indexOf("Export the artifact store's credentials")
      const firstReader = steps.findIndex(
        s => s.uses === '$/lineage-check' || s.uses === '$/promote-model'
      )
      expect(exportAt).toBeGreaterThan(-1)
      expect(exportAt).toBeLessThan(firstReader)
      expect(steps[exportAt]!.env).toEqual({
        AWS_ACCESS_KEY_ID: '${{ secrets.AWS_ACCESS_KEY_ID }}',
        AWS_SECRET_ACCESS_KEY: '${{ secrets.AWS_SECRET_ACCESS_KEY }}',
        AWS_SESSION_TOKEN: '${{ secrets.AWS_SESSION_TOKEN }}',
        AWS_REGION: '${{ secrets.AWS_REGION }}',
        MLFLOW_S3_ENDPOINT_URL: '${{ secrets.MLFLOW_S3_ENDPOINT_URL }}',
        AZURE_STORAGE_CONNECTION_STRING: '${{ secrets.AZURE_STORAGE_CONNECTION_STRING }}',
        GOOGLE_CREDENTIALS_JSON: '${{ secrets.GOOGLE_APPLICATION_CREDENTIALS_JSON }}'
      })
      // Only non-empty secrets are exported, so an empty one never hides OIDC credentials.
      expect(steps[exportAt]!.run).toContain('[ -n "$value" ] || continue')
      const login = (action: string): Step | undefined =>
        steps.find(s => s.uses?.startsWith(`${action}@`))
      const aws = login('aws-actions/configure-aws-credentials')!
      const gcp = login('google-github-actions/auth')!
      const azure = login('azure/login')!
      expect(aws.if).toBe("${{ inputs.aws-role-to-assume != '' }}")
      expect(aws.with).toMatchObject({ 'role-to-assume': '${{ inputs.aws-role-to-assume }}' })
      expect(gcp.if).toBe("${{ inputs.gcp-workload-identity-provider != '' }}")
      expect(gcp.with).toMatchObject({
        workload_identity_provider: '${{ inputs.gcp-workload-identity-provider }}'
      })
      expect(azure.if).toBe("${{ inputs.azure-client-id != '' }}")
      expect(azure.with).toMatchObject({ 'client-id': '${{ inputs.azure-client-id }}' })
      // The OIDC steps run after the export, so their credentials win over any secret's.
      for (const s of [aws, gcp, azure]) {
        const at = steps.indexOf(s)
        expect(at).toBeGreaterThan(exportAt)
        expect(at).toBeLessThan(firstReader)
      }
    }
  )

  it('serialises promotions per model, queueing instead of cancelling', () => {
    expect(workflow.concurrency).toEqual({
      group: 'model-governance-${{ inputs.model-name }}',
      'cancel-in-progress': false,
      queue: 'max'
    })
  })

  it.each([APPROVAL_WORKFLOW, ...EXAMPLES])(
    '%s: no ${{ }} inside run:, every uses: SHA-pinned with a comment or local',
    file => {
      const doc = loadWorkflow(file)
      for (const [name, job] of Object.entries(doc.jobs)) {
        for (const s of job.steps ?? []) {
          if (s.run !== undefined)
            expect({ job: name, step: s.name, run: s.run.includes('${{') }).toEqual({
              job: name,
              step: s.name,
              run: false
            })
        }
      }
      for (const line of workflowText(file).split('\n')) {
        const match = /^\s*(?:- )?uses:\s*(\S+)(.*)$/.exec(line)
        if (!match) continue
        const [, ref, rest] = match
        const local = ref!.startsWith('$/') || ref!.startsWith('./')
        expect({
          ref,
          ok: local || (/@[0-9a-f]{40}$/.test(ref!) && /^\s+#\s*\S/.test(rest!))
        }).toEqual({ ref, ok: true })
      }
    }
  )
})

describe('examples/workflows', () => {
  const approvalInputs = call.inputs!

  it('promote.yml is dispatched with model_version, a choice of the policy stages, and justification', () => {
    const example = loadWorkflow('examples/workflows/promote.yml')
    const inputs = example.on.workflow_dispatch!.inputs!
    expect(inputs.model_version).toMatchObject({ type: 'string', required: true })
    expect(inputs.target_stage).toMatchObject({
      type: 'choice',
      options: ['Staging', 'Production']
    })
    expect(inputs.justification).toMatchObject({ type: 'string' })
    // The documented policy example's stages that name an environment.
    const policyDoc = readFileSync(
      path.join(path.dirname(APPROVAL_WORKFLOW), '..', '..', 'docs', 'policy.md'),
      'utf8'
    )
    for (const option of inputs.target_stage!.options!)
      expect(policyDoc).toContain(`- name: ${option}`)
  })

  it.each(EXAMPLES)(
    '%s calls model-approval.yml with its inputs, its secrets and the permissions its jobs need',
    file => {
      const example = loadWorkflow(file)
      expect(example.permissions).toEqual({})
      const [job] = Object.values(example.jobs)
      expect(job!.uses).toMatch(
        /\/model-governance\/\.github\/workflows\/model-approval\.yml@[0-9a-f]{40}$/
      )
      for (const key of Object.keys(job!.with!)) expect(Object.keys(approvalInputs)).toContain(key)
      for (const [name, spec] of Object.entries(approvalInputs)) {
        if (spec.required)
          expect({ name, given: name in job!.with! }).toEqual({ name, given: true })
      }
      // The only way environment secrets reach a called workflow's job (docs/workflow.md).
      expect(job!.secrets).toBe('inherit')
      expect(job!.permissions).toEqual({ contents: 'write', actions: 'read' })
    }
  )

  it('rollback.yml asks for a rollback, with no version', () => {
    const [job] = Object.values(loadWorkflow('examples/workflows/rollback.yml').jobs)
    expect(job!.with).toMatchObject({ rollback: true })
    expect(job!.with!.version).toBeUndefined()
  })
})

describe('model-approval.yml: the audit event decision', () => {
  const script = workflow.jobs.audit!.steps!.find(s => s.id === 'event')!.run!
  const decide = (env: Record<string, string>): Record<string, string> => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'audit-event-'))
    const output = path.join(dir, 'output')
    writeFileSync(output, '')
    const base = {
      ROLLBACK: 'false',
      VALIDATE_RESULT: 'success',
      VERIFIED: 'true',
      PASSED: 'true',
      PROMOTE_RESULT: 'success',
      STARTED: 'true',
      APPROVAL_OUTCOME: 'success'
    }
    const result = spawnSync('bash', ['-e', '-c', script], {
      env: { PATH: process.env.PATH, GITHUB_OUTPUT: output, ...base, ...env },
      encoding: 'utf8'
    })
    expect(result.status).toBe(0)
    return Object.fromEntries(
      readFileSync(output, 'utf8')
        .trim()
        .split('\n')
        .map(l => l.split('=') as [string, string])
    )
  }

  it.each([
    ['a promotion', {}, 'promote', 'success'],
    ['a rollback', { ROLLBACK: 'true', VERIFIED: '', PASSED: '' }, 'rollback', 'success'],
    [
      'a lineage failure',
      {
        VALIDATE_RESULT: 'failure',
        VERIFIED: 'false',
        PASSED: 'true',
        PROMOTE_RESULT: 'skipped',
        STARTED: ''
      },
      'lineage-failed',
      'failure'
    ],
    [
      "a refused lineage commit (not on the default branch's history)",
      {
        VALIDATE_RESULT: 'failure',
        VERIFIED: '',
        PASSED: '',
        LOCATED: 'failure',
        PROMOTE_RESULT: 'skipped',
        STARTED: ''
      },
      'lineage-failed',
      'failure'
    ],
    [
      'a gate failure',
      { VALIDATE_RESULT: 'failure', PASSED: 'false', PROMOTE_RESULT: 'skipped', STARTED: '' },
      'gate-failed',
      'failure'
    ],
    [
      'a refused input',
      {
        VALIDATE_RESULT: 'failure',
        VERIFIED: '',
        PASSED: '',
        PROMOTE_RESULT: 'skipped',
        STARTED: ''
      },
      'error',
      'failure'
    ],
    [
      'a rejection in the environment',
      { PROMOTE_RESULT: 'failure', STARTED: '', APPROVAL_OUTCOME: '' },
      'approval-rejected',
      'failure'
    ],
    [
      'a failed approval rule',
      { PROMOTE_RESULT: 'failure', APPROVAL_OUTCOME: 'failure' },
      'approval-rejected',
      'failure'
    ],
    [
      'a registry failure',
      { PROMOTE_RESULT: 'failure', APPROVAL_OUTCOME: 'success' },
      'promote',
      'failure'
    ],
    [
      'a rollback refused at the write (its files or its version changed after approval)',
      { ROLLBACK: 'true', PROMOTE_RESULT: 'failure', APPROVAL_OUTCOME: 'success' },
      'rollback',
      'failure'
    ]
  ])('records %s', (_what, env, event, outcome) => {
    expect(decide(env)).toMatchObject({ event, outcome })
  })

  it('records the version validate resolved for a rollback refused at the write, and only from a validate that succeeded', () => {
    const refused = { ROLLBACK: 'true', PROMOTE_RESULT: 'failure', APPROVAL_OUTCOME: 'success' }
    expect(decide({ ...refused, PLANNED_VERSION: '4' })).toMatchObject({ version: '4' })
    expect(
      decide({ ...refused, PLANNED_VERSION: '4', VALIDATE_RESULT: 'failure', VERIFIED: '' })
    ).toMatchObject({ version: '' })
    expect(decide({ ...refused, PLANNED_VERSION: '${{ x }}' })).toMatchObject({ version: '' })
    // A version named by the caller wins.
    expect(
      decide({ PROMOTE_RESULT: 'failure', INPUT_VERSION: '7', PLANNED_VERSION: '4' })
    ).toMatchObject({ version: '7' })
  })

  it.each([
    [
      'a promotion',
      { PROMOTE_RESULT: 'success', PROMOTED_VERSION: '7', PREVIOUS_VERSION: '6' },
      '7',
      '6'
    ],
    // A skipped promote job: its outputs are never read (act fills them with unevaluated text).
    [
      'a gate failure',
      {
        VALIDATE_RESULT: 'failure',
        PASSED: 'false',
        PROMOTE_RESULT: 'skipped',
        PROMOTED_VERSION: '${{ steps.promote.outputs.version }}'
      },
      '7',
      ''
    ],
    [
      'a rollback',
      { ROLLBACK: 'true', INPUT_VERSION: '', PROMOTED_VERSION: '3', PREVIOUS_VERSION: '4' },
      '3',
      '4'
    ],
    [
      'anything that is not a version number',
      { INPUT_VERSION: '7\n::error::x', PROMOTE_RESULT: 'failure', APPROVAL_OUTCOME: 'failure' },
      '',
      ''
    ]
  ])('records only version numbers: %s', (_what, env, version, previous) => {
    expect(decide({ INPUT_VERSION: '7', ...env })).toMatchObject({
      version,
      'previous-version': previous
    })
  })
})

describe("model-approval.yml: wiring against the actions' action.yml", () => {
  const spec = (
    name: string
  ): { inputs: Record<string, unknown>; outputs: Record<string, unknown> } =>
    yaml.load(readFileSync(path.join(ROOT, name, 'action.yml'), 'utf8')) as {
      inputs: Record<string, unknown>
      outputs: Record<string, unknown>
    }

  it('gives each $/ step only inputs its action declares, and reads only outputs it declares', () => {
    for (const [jobName, job] of Object.entries(workflow.jobs)) {
      const actionOf = new Map<string, string>()
      for (const s of job.steps ?? []) {
        if (!s.uses?.startsWith('$/')) continue
        const action = s.uses.slice(2)
        if (s.id) actionOf.set(s.id, action)
        for (const input of Object.keys(s.with ?? {})) {
          expect({ job: jobName, action, input, declared: input in spec(action).inputs }).toEqual({
            job: jobName,
            action,
            input,
            declared: true
          })
        }
      }
      const text = JSON.stringify(job)
      for (const [, id, output] of text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
        const action = actionOf.get(id!)
        if (!action) continue
        expect({ job: jobName, id, output, declared: output! in spec(action).outputs }).toEqual({
          job: jobName,
          id,
          output,
          declared: true
        })
      }
    }
  })

  it('passes the MLflow secrets to every action that talks to MLflow, the writing one only in promote', () => {
    for (const [jobName, job] of Object.entries(workflow.jobs)) {
      for (const s of job.steps ?? []) {
        if (!s.with?.['tracking-uri'] || s.uses === '$/audit-log') continue
        // validate reads with the read-only credential; only promote, in the guarded
        // environment, has the one that writes.
        const kind = jobName === 'promote' ? 'REGISTRY' : 'READ'
        expect(s.with).toMatchObject({
          'tracking-token': `\${{ secrets.MLFLOW_${kind}_TOKEN }}`,
          'tracking-username': `\${{ secrets.MLFLOW_${kind}_USERNAME }}`,
          'tracking-password': `\${{ secrets.MLFLOW_${kind}_PASSWORD }}`
        })
      }
    }
  })
})

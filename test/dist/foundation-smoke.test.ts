import { describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { OUTPUT } from '../harness/paths.js'
import { uniqueName } from '../harness/python.js'
import { NODE_VERSIONS, runDist } from '../harness/dist-runner.js'
import { harness } from '../harness/state.js'

/** A workspace whose default policy file is broken on a known line. */
function workspaceWithBrokenPolicy(): string {
  mkdirSync(OUTPUT, { recursive: true })
  const dir = mkdtempSync(path.join(OUTPUT, 'ws-'))
  mkdirSync(path.join(dir, '.github'))
  writeFileSync(path.join(dir, '.github', 'model-governance.yml'), 'stages:\n  - name: Staging\n    min_approvals: [\n')
  return dir
}

describe.each(NODE_VERSIONS)('bundles under %s', node => {
  const { mlflow, auth } = harness()

  it.each([
    ['promote-model', { 'model-name': '', version: '1' }, "Input 'model-name' is required"],
    ['promote-model', { 'model-name': 'm', version: '1', 'dry-run': 'maybe' }, "Input 'dry-run' is 'maybe'; use true or false"],
    ['validate-metrics', { 'tracking-insecure-tls': 'maybe' }, "Input 'tracking-insecure-tls' is 'maybe'"],
    ['lineage-check', { 'missing-data': 'skip' }, "Input 'missing-data' is 'skip'; use one of: fail, warn, lock-only"],
    ['audit-log', { mode: 'delete' }, "Input 'mode' is 'delete'; use one of: append, verify, render."],
    ['notify', { event: 'party' }, "Input 'event' is 'party'; use one of: approval-requested, outcome"]
  ])('%s starts and exits 1 naming the bad input %j', async (action, inputs, message) => {
    const result = await runDist(action, inputs, { node })
    expect(result.code).toBe(1)
    const errors = result.commands.filter(c => c.command === 'error').map(c => c.message)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain(message)
  })

  it.each(['promote-model', 'validate-metrics', 'lineage-check'])(
    '%s reports a malformed policy file with its file and line',
    async action => {
      const result = await runDist(
        action,
        { 'model-name': 'm', version: '1', 'tracking-uri': mlflow.uri },
        { node, workspace: workspaceWithBrokenPolicy() }
      )
      expect(result.code).toBe(1)
      const error = result.commands.find(c => c.command === 'error')
      expect(error?.properties).toContain('file=.github/model-governance.yml')
      expect(error?.properties).toMatch(/line=4/)
      expect(error?.message).toContain('.github/model-governance.yml:4 is not valid YAML')
    }
  )

  it.each(['promote-model', 'validate-metrics'])(
    '%s reaches the real server and reports an unknown model as RESOURCE_DOES_NOT_EXIST',
    async action => {
      const name = uniqueName('ghost')
      const result = await runDist(action, { 'model-name': name, version: '3', 'tracking-uri': mlflow.uri, stage: 'Staging', thresholds: 'accuracy >= 0.5' }, { node })
      expect(result.code).toBe(1)
      const errors = result.commands.filter(c => c.command === 'error')
      expect(errors).toHaveLength(1)
      expect(errors[0]?.message).toContain('RESOURCE_DOES_NOT_EXIST')
      expect(errors[0]?.message).toContain(`'${name}'`)
      expect(errors[0]?.message).toContain(mlflow.uri)
    }
  )

  it.each(['promote-model', 'validate-metrics'])(
    '%s gives a clear authentication error on a wrong password and never prints it',
    async action => {
      const password = `wrong-${uniqueName('pw')}`
      const result = await runDist(
        action,
        {
          'model-name': 'anything',
          version: '1',
          stage: 'Staging',
          thresholds: 'accuracy >= 0.5',
          'tracking-uri': auth.uri,
          'tracking-username': auth.admin.username,
          'tracking-password': password
        },
        { node, env: { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' } }
      )
      expect(result.code).toBe(1)
      const error = result.commands.find(c => c.command === 'error')
      expect(error?.message).toContain(`UNAUTHENTICATED: ${auth.uri} rejected the credentials`)
      // The runner masks what add-mask registers; the action must register it and print it nowhere else.
      expect(result.commands.filter(c => c.command === 'add-mask').map(c => c.message)).toContain(password)
      const printed = result.all.split('\n').filter(line => !line.startsWith('::add-mask::'))
      expect(printed.join('\n')).not.toContain(password)
      expect(printed.join('\n')).not.toContain(Buffer.from(`${auth.admin.username}:${password}`).toString('base64'))
    }
  )
})

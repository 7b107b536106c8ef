import { describe, expect, it } from '@jest/globals'
import { ActionError } from '../../../src/core/errors.js'
import { MlflowApiError, MlflowUnavailableError } from '../../../src/mlflow/errors.js'
import { promoteOutputs } from '../../../actions/promote-model/outputs.js'
import { promote } from '../../../src/promotion/index.js'
import { failure, policyFrom, request, setup } from './helpers.js'

describe('promote: stage moves', () => {
  it('transitions with archiving, records tags, and reports the previous and archived versions', async () => {
    const { registry, deps } = setup()
    registry.versions.get('1')!.stage = 'Production'
    registry.versions.get('2')!.stage = 'Staging'
    const result = await promote(request({ version: '2', stage: 'Production' }), deps)
    expect(registry.stageOf('2')).toBe('Production')
    expect(registry.stageOf('1')).toBe('Archived')
    expect(registry.writes[0]).toBe('transition 2 Production archive')
    const outputs = promoteOutputs({ kind: 'promoted', promotion: result })
    expect(outputs).toMatchObject({
      version: '2',
      'previous-version': '1',
      stage: 'Production',
      'model-uri': 'models:/churn/2',
      'run-id': 'run2',
      'archived-versions': '["1"]',
      changed: 'true'
    })
    const tags = Object.fromEntries(registry.versions.get('2')!.tags)
    expect(tags).toMatchObject({
      'mg.promoted_by': 'octocat',
      'mg.previous_version': '1',
      'mg.previous.stage.Production': '1',
      'mg.git_commit': 'abc123',
      'mg.run_url': 'https://github.com/acme/models/actions/runs/42',
      'mg.rollback': 'false'
    })
    expect(JSON.parse(String(outputs.result))).toMatchObject({
      version: '2',
      changed: true,
      timings_ms: expect.any(Object)
    })
    expect(result.before.map(b => [b.version, b.stage])).toEqual([
      ['1', 'Production'],
      ['2', 'Staging']
    ])
    expect(result.after.map(b => [b.version, b.stage])).toEqual([
      ['1', 'Archived'],
      ['2', 'Production']
    ])
  })

  it('never sends archive_existing_versions for None and Archived (MLflow answers a fatal 500)', async () => {
    const { registry, deps } = setup()
    registry.versions.get('1')!.stage = 'Staging'
    await promote(request({ version: '1', stage: 'Archived' }), deps)
    await promote(request({ version: '2', stage: 'None', allowSkip: true }), deps)
    expect(registry.writes.filter(w => w.startsWith('transition'))).toEqual([
      'transition 1 Archived'
    ])
    expect(registry.stageOf('1')).toBe('Archived')
  })

  it('writes nothing and reports changed=false when the version already holds the target', async () => {
    const { registry, deps } = setup()
    registry.versions.get('2')!.stage = 'Production'
    registry.versions.get('2')!.tags.set('mg.previous.stage.Production', '1')
    const result = await promote(request({ version: '2', stage: 'Production' }), deps)
    expect(result.changed).toBe(false)
    expect(result.previousVersion).toBe('1')
    expect(registry.writes).toEqual([])
  })

  it('refuses to skip a stage, naming the current stage and the allowed next one', async () => {
    const { registry, deps } = setup()
    const error = await failure(promote(request({ version: '1', stage: 'Production' }), deps))
    expect(error).toBeInstanceOf(ActionError)
    expect(error.message).toMatch(/is in Development; moving it to Production skips Staging/)
    expect(error.message).toMatch(/allowed next stage is Staging/)
    expect(error.message).toMatch(/Nothing was changed/)
    expect(registry.writes).toEqual([])
    await promote(request({ version: '1', stage: 'Production', allowSkip: true }), deps)
    expect(registry.stageOf('1')).toBe('Production')
  })

  it('lets the policy allow skipping', async () => {
    const { registry, deps } = setup({ policy: policyFrom('allow_skip: true\n') })
    await promote(request({ version: '1', stage: 'Production' }), deps)
    expect(registry.stageOf('1')).toBe('Production')
  })

  it('fails compare-and-set when another version holds the target, changing nothing', async () => {
    const { registry, deps } = setup()
    registry.versions.get('3')!.stage = 'Production'
    registry.versions.get('2')!.stage = 'Staging'
    const error = await failure(
      promote(request({ version: '2', stage: 'Production', expectedPreviousVersion: '1' }), deps)
    )
    expect(error.message).toMatch(
      /expected-previous-version is 1, but stage Production of 'churn' is now held by version 3/
    )
    expect(registry.writes).toEqual([])
    await promote(
      request({ version: '2', stage: 'Production', expectedPreviousVersion: '3' }),
      deps
    )
    expect(registry.stageOf('2')).toBe('Production')
  })

  it('dry run resolves and checks, then changes nothing', async () => {
    const { registry, deps, logger } = setup()
    registry.versions.get('1')!.stage = 'Staging'
    registry.versions.get('3')!.stage = 'Production'
    const result = await promote(request({ version: '1', stage: 'Production', dryRun: true }), deps)
    expect(result).toMatchObject({
      changed: false,
      dryRun: true,
      previousVersion: '3',
      archivedVersions: ['3']
    })
    expect(registry.writes).toEqual([])
    expect(logger.messages('info').join('\n')).toMatch(
      /Dry run: would move stage Production to version 1/
    )
    const refused = await failure(
      promote(request({ version: '2', stage: 'Production', dryRun: true }), deps)
    )
    expect(refused.message).toMatch(/skips Staging/)
  })

  it('tells the user to switch to aliases when the registry rejects the stage API, and passes UC names through', async () => {
    const { registry, deps } = setup({ model: 'main.ml.churn' })
    registry.hook = op => {
      if (op.startsWith('transition')) {
        throw new MlflowApiError(
          'BAD_REQUEST',
          400,
          { action: 'transition', object: 'x' },
          'http://fake',
          'Stage transitions are not supported in Unity Catalog'
        )
      }
    }
    const error = await failure(
      promote(request({ model: 'main.ml.churn', version: '1', stage: 'Staging' }), deps)
    )
    expect(error.message).toMatch(
      /rejected the stage API for 'main.ml.churn'.*set registry.mode: aliases/i
    )
    expect(error.message).toMatch(/the registry is as it was before this run/)
  })

  it('says which permission is missing when the registry refuses the write', async () => {
    const { registry, deps } = setup()
    registry.hook = op => {
      if (op.startsWith('transition')) {
        throw new MlflowApiError(
          'PERMISSION_DENIED',
          403,
          { action: 'transition', object: 'x' },
          'http://fake',
          'Permission denied'
        )
      }
    }
    const error = await failure(promote(request({ version: '1', stage: 'Staging' }), deps))
    expect(error.message).toMatch(/needs the EDIT permission on 'churn'/)
  })

  it('reports what the registry shows when a write fails after retries', async () => {
    const { registry, deps } = setup()
    registry.hook = op => {
      if (op.startsWith('tag'))
        throw new MlflowUnavailableError('Could not set tag: server did not answer')
    }
    const error = await failure(promote(request({ version: '1', stage: 'Staging' }), deps))
    expect(error.message).toMatch(
      /Could not set tag.*Registry now shows: stage Staging is held by version 1 \(the promotion of version 1 was applied\)/
    )
  })
})

describe('promote: registry modes', () => {
  it('aliases mode moves the stage alias and never calls the stage API', async () => {
    const { registry, deps } = setup({
      policy: policyFrom(
        'registry: {mode: aliases}\nstages:\n  - name: Staging\n  - name: Production\n    alias: champion\n'
      )
    })
    registry.aliases.set('staging', '2')
    registry.aliases.set('champion', '1')
    const result = await promote(request({ version: '2', stage: 'Production' }), deps)
    expect(registry.writes.filter(w => !w.startsWith('tag'))).toEqual(['alias champion 2'])
    expect(result).toMatchObject({ previousVersion: '1', aliases: ['champion'] })
  })

  it('aliases mode uses alias positions for the order check', async () => {
    const { deps } = setup({
      policy: policyFrom(
        'registry: {mode: aliases}\nstages:\n  - name: Staging\n  - name: Production\n'
      )
    })
    await expect(promote(request({ version: '3', stage: 'Production' }), deps)).rejects.toThrow(
      /skips Staging/
    )
  })

  it('both mode transitions the stage first, then moves its alias', async () => {
    const { registry, deps } = setup({ policy: policyFrom('registry: {mode: both}\n') })
    registry.versions.get('2')!.stage = 'Staging'
    await promote(request({ version: '2', stage: 'Production', alias: 'blue' }), deps)
    expect(registry.writes.filter(w => !w.startsWith('tag'))).toEqual([
      'transition 2 Production archive',
      'alias production 2',
      'alias blue 2'
    ])
  })

  it('refuses a custom policy stage in stages mode, pointing at registry.mode', async () => {
    const { deps } = setup({ policy: policyFrom('stages:\n  - name: QA\n  - name: Production\n') })
    await expect(promote(request({ version: '1', stage: 'QA' }), deps)).rejects.toThrow(
      /set registry.mode: aliases/
    )
  })
})

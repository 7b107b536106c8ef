import { describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { MemoryLogger } from '../../../src/core/logger.js'
import { findStage, loadPolicy, parsePolicy } from '../../../src/policy/index.js'
import { runCli } from '../../../src/cli/main.js'
import { stageSummary } from '../../../src/promotion/index.js'
import { chain, event } from '../../harness/reconcile-helpers.js'
import { SEED_MLFLOW_CONFIG } from '../../harness/policies.js'

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mg-seed-policy-'))
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
    writeFileSync(path.join(dir, name), text)
  }
  return dir
}

describe('the policy from .mlflow/config.yaml, named nowhere', () => {
  it('is used when .github/model-governance.yml is absent, with one notice and no unused-key warnings', () => {
    const logger = new MemoryLogger()
    const policy = loadPolicy({
      workspace: repo({ '.mlflow/config.yaml': SEED_MLFLOW_CONFIG }),
      logger
    })
    expect(policy.source).toBe('.mlflow/config.yaml')
    expect(policy.stages.map(s => s.name)).toEqual(['Staging', 'Production'])
    expect(findStage(policy, 'Production')).toMatchObject({
      requires_approval: true,
      approvers: ['data-science-lead', 'mlops-engineer']
    })
    expect(logger.messages('notice')).toEqual([
      'No .github/model-governance.yml: the policy is the model_registry.stages block of .mlflow/config.yaml ' +
        '(add .github/model-governance.yml, or name another policy file, to govern by another)'
    ])
    expect(logger.messages('warning')).toEqual([])
  })

  it('gives way to .github/model-governance.yml, silently', () => {
    const logger = new MemoryLogger()
    const policy = loadPolicy({
      workspace: repo({
        '.mlflow/config.yaml': SEED_MLFLOW_CONFIG,
        '.github/model-governance.yml': 'stages:\n  - name: QA\n'
      }),
      logger
    })
    expect(policy.source).toBe('.github/model-governance.yml')
    expect(policy.stages.map(s => s.name)).toEqual(['QA'])
    expect(logger.messages('notice')).toEqual([])
  })

  it('is not a policy without model_registry.stages: the defaults apply, and a required policy is missing', () => {
    const dir = repo({ '.mlflow/config.yaml': 'backend_store: sqlite:///mlflow.db\n' })
    const logger = new MemoryLogger()
    const policy = loadPolicy({ workspace: dir, logger })
    expect(policy.source).toBeUndefined()
    expect(policy.stages.map(s => s.name)).toEqual(['Development', 'Staging', 'Production'])
    expect(logger.messages('notice')).toEqual([])
    expect(() => loadPolicy({ workspace: dir, logger, required: true })).toThrow(
      "'policy-file' is not set, and neither .github/model-governance.yml nor .mlflow/config.yaml with " +
        'model_registry.stages exists; add one of them on the default branch, or name the policy file'
    )
  })

  it('is looked up under root (resolve-stage reads the default branch checked out there)', () => {
    const dir = repo({ 'policy/.mlflow/config.yaml': SEED_MLFLOW_CONFIG })
    const logger = new MemoryLogger()
    const policy = loadPolicy({ workspace: dir, root: 'policy', required: true, logger })
    expect(policy.source).toBe('policy/.mlflow/config.yaml')
    expect(logger.messages('notice')).toHaveLength(1)
    expect(() => loadPolicy({ workspace: dir, root: 'elsewhere', required: true, logger })).toThrow(
      'exists under elsewhere;'
    )
  })

  it('refuses a symlink at .mlflow/config.yaml that leads outside the workspace', () => {
    const dir = repo({})
    const outside = path.join(mkdtempSync(path.join(os.tmpdir(), 'mg-outside-')), 'config.yaml')
    writeFileSync(outside, SEED_MLFLOW_CONFIG)
    mkdirSync(path.join(dir, '.mlflow'))
    symlinkSync(outside, path.join(dir, '.mlflow', 'config.yaml'))
    expect(() => loadPolicy({ workspace: dir, logger: new MemoryLogger() })).toThrow(
      'Policy file .mlflow/config.yaml resolves through a symlink to outside the project'
    )
  })

  it("recognises MLflow's settings but still warns about a key nobody reads", () => {
    const logger = new MemoryLogger()
    parsePolicy(
      `${SEED_MLFLOW_CONFIG}environments: [staging, production]\n`,
      '.mlflow/config.yaml',
      logger
    )
    expect(logger.messages('warning')).toEqual([
      "Policy file .mlflow/config.yaml:15: key 'environments' is not used by model-governance and is ignored"
    ])
  })
})

describe('the CLI with only .mlflow/config.yaml', () => {
  it('governs by it: its stages and aliases make the timeline, and one note says which file', async () => {
    const dir = repo({
      // registry.mode both: the stage's alias is a target too, which the default stages have not.
      '.mlflow/config.yaml': `registry:\n  mode: both\n${SEED_MLFLOW_CONFIG}`.replace(
        'approvers: [data-science-lead, mlops-engineer]',
        'approvers: [data-science-lead, mlops-engineer]\n      alias: champion'
      ),
      'AUDIT.log': chain([event('churn', '1', 'Production')]).text
    })
    mkdirSync(path.join(dir, '.git'))
    const out: string[] = []
    const err: string[] = []
    const code = await runCli(['evidence', 'churn', '--version', '1', '--json', '--no-history'], {
      env: {},
      cwd: dir,
      stdout: { write: t => void out.push(t) },
      stderr: { write: t => void err.push(t) }
    })
    expect(code).toBe(0)
    const pack = JSON.parse(out.join('')) as { timeline: { kind: string; name: string }[] }
    const targets = pack.timeline.map(t => `${t.kind}:${t.name}`)
    // The default stages would list Development and no champion alias.
    expect(targets).toEqual(
      expect.arrayContaining(['stage:Staging', 'stage:Production', 'alias:champion'])
    )
    expect(targets).not.toContain('stage:Development')
    const notes = err
      .join('')
      .split('\n')
      // The trust verdict is a note of its own (every reader prints it); this one is the policy's.
      .filter(l => l.startsWith('note: ') && !l.includes('Trust:'))
    expect(notes).toEqual([
      'note: No .github/model-governance.yml: the policy is the model_registry.stages block of .mlflow/config.yaml ' +
        '(add .github/model-governance.yml, or name another policy file, to govern by another)'
    ])
    expect(err.join('')).not.toContain('warning: Policy file')
  })
})

describe("resolve-stage's summary says how approvers were read", () => {
  const resolved = {
    stage: 'Production',
    environment: 'production',
    fromStage: 'Staging',
    guarded: true,
    defaultBranch: 'main',
    signOff: [],
    approvers: ['data-science-lead', 'mlops-engineer'],
    policySource: '.mlflow/config.yaml'
  }

  it('as logins or teams of whom one must approve, and how to require each (sign_off)', () => {
    const summary = stageSummary(resolved)
    expect(summary).toContain(
      '**Approval rule (.mlflow/config.yaml):** approvers data-science-lead, mlops-engineer, each read as a ' +
        'GitHub login, or as a team when written @org/team. One of them must approve: GitHub decides ' +
        'environment production by its first review. To require each of several people to sign, declare one ' +
        '`sign_off` role per person, each with an environment of its own (docs/policy.md).'
    )
    expect(summary.match(/Approval rule/g)).toHaveLength(1)
  })

  it('with sign_off, that every role must approve, each by a different person', () => {
    const summary = stageSummary({
      ...resolved,
      approvers: [],
      signOff: [
        { role: 'ds', environment: 'production-ds' },
        { role: 'ops', environment: 'production-ops' }
      ]
    })
    expect(summary).toContain('each of the 2 `sign_off` roles must approve')
  })

  it('says nothing of approvers for a stage without approval', () => {
    expect(stageSummary({ ...resolved, guarded: false })).not.toContain('Approval rule')
  })
})

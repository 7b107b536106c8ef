import { describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ConfigurationError } from '../../../src/core/errors.js'
import { MemoryLogger } from '../../../src/core/logger.js'
import {
  effectivePolicy,
  findStage,
  loadPolicy,
  mlflowStageFor,
  parsePolicy,
  stageIndex
} from '../../../src/policy/index.js'

const FULL = `registry:
  mode: both
stages:
  - name: Development
  - name: Staging
    gates:
      - accuracy >= 0.8
    environment: staging
  - name: Production
    requires_approval: true
    approvers: ['@alice', bob]
    min_approvals: 1
    gates: |
      accuracy >= 0.85
      latency_ms < 200
    champion:
      metrics:
        accuracy: { max_regression: 1% }
    lineage: required
    environment: production
    alias: champion
models:
  churn:
    stages:
      - name: Production
        approvers: [carol]
`

function parseError(text: string): ConfigurationError {
  try {
    parsePolicy(text, '.github/model-governance.yml', new MemoryLogger())
  } catch (error) {
    if (error instanceof ConfigurationError) return error
    throw error
  }
  throw new Error('expected a ConfigurationError')
}

describe('policy loader', () => {
  it('parses a complete policy and applies per-model overrides', () => {
    const file = parsePolicy(FULL, 'p.yml', new MemoryLogger())
    const base = effectivePolicy(file, 'other')
    const churn = effectivePolicy(file, 'churn')
    expect(base.mode).toBe('both')
    expect(base.stages.map(s => s.name)).toEqual(['Development', 'Staging', 'Production'])
    const prod = findStage(base, 'production')!
    expect(prod).toMatchObject({
      requires_approval: true,
      approvers: ['alice', 'bob'],
      min_approvals: 1,
      gates: ['accuracy >= 0.85', 'latency_ms < 200'],
      lineage: 'required',
      alias: 'champion',
      allow_self_approval: false
    })
    expect(prod.champion?.metrics.accuracy).toEqual({ max_regression: '1%' })
    expect(findStage(churn, 'Production')?.min_approvals).toBe(1)
    expect(findStage(churn, 'Production')?.approvers).toEqual(['carol'])
    expect(stageIndex(base, 'None')).toBe(0)
    expect(stageIndex(base, 'Archived')).toBe(-1)
  })

  it('maps Development to MLflow None and leaves custom stages without an MLflow stage', () => {
    expect(mlflowStageFor('Development')).toBe('None')
    expect(mlflowStageFor('production')).toBe('Production')
    expect(mlflowStageFor('QA')).toBeUndefined()
  })

  it('accepts an .mlflow/config.yaml model_registry block as is and warns about keys it does not use', () => {
    const logger = new MemoryLogger()
    const file = parsePolicy(
      `backend_store: postgresql://x\nenvironments: [production]\nmodel_registry:\n  stages:\n    - name: Staging\n      description: QA\n      requires_approval: false\n      approvers: []\n    - name: Production\n      requires_approval: true\n      approvers: [carol]\n`,
      '.mlflow/config.yaml',
      logger
    )
    expect(effectivePolicy(file, undefined).stages.map(s => s.name)).toEqual([
      'Staging',
      'Production'
    ])
    expect(logger.messages('warning')).toEqual([
      "Policy file .mlflow/config.yaml:2: key 'environments' is not used by model-governance and is ignored"
    ])
  })

  it('reports a YAML syntax error with its file and line', () => {
    const error = parseError('stages:\n  - name: Staging\n    gates: [a\n')
    expect(error.message).toMatch(
      /^Policy file \.github\/model-governance\.yml:4 is not valid YAML/
    )
    expect(error.location).toMatchObject({ file: '.github/model-governance.yml', line: 4 })
  })

  it('reports a schema error with its file, line and key path', () => {
    const error = parseError(
      'stages:\n  - name: Staging\n  - name: Production\n    min_approvals: lots\n'
    )
    expect(error.message).toMatch(
      /^Policy file \.github\/model-governance\.yml:4: stages\[1\]\.min_approvals: /
    )
    expect(error.location?.line).toBe(4)
  })

  it('names a misspelt stage key and its line', () => {
    const error = parseError('stages:\n  - name: Staging\n    requires_aproval: true\n')
    expect(error.message).toContain(':3: stages[0].requires_aproval: unknown key')
  })

  it('refuses duplicate stages and a listed Archived stage', () => {
    expect(parseError('stages:\n  - name: Staging\n  - name: staging\n').message).toContain(
      "stage 'staging' is listed twice"
    )
    expect(parseError('stages:\n  - name: Archived\n').message).toContain(
      "'Archived' must not be listed"
    )
  })

  it('runs from inputs alone when no policy file exists, but refuses a named file that is missing', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mg-policy-'))
    const policy = loadPolicy({ workspace: dir, logger: new MemoryLogger() })
    expect(policy.source).toBeUndefined()
    expect(policy.stages.map(s => s.name)).toEqual(['Development', 'Staging', 'Production'])
    expect(() =>
      loadPolicy({ workspace: dir, policyFile: 'gov.yml', logger: new MemoryLogger() })
    ).toThrow("'policy-file' names 'gov.yml', which does not exist")
    mkdirSync(path.join(dir, '.github'))
    writeFileSync(path.join(dir, '.github', 'model-governance.yml'), FULL)
    expect(loadPolicy({ workspace: dir, logger: new MemoryLogger() }).source).toBe(
      '.github/model-governance.yml'
    )
  })

  it('refuses YAML tags that the safe schema does not know', () => {
    expect(parseError('stages: !!js/function "function(){}"\n').message).toContain(
      'is not valid YAML'
    )
  })
})

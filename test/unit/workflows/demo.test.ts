import { describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import yaml from 'js-yaml'
import { MemoryLogger } from '../../../src/core/logger.js'
import { parsePolicy } from '../../../src/policy/index.js'
import { ROOT } from '../../harness/paths.js'

describe('the demo project', () => {
  it('has a governance policy the suite accepts, Production signed off by two roles', () => {
    const text = readFileSync(
      path.join(ROOT, 'scripts', 'demo', 'project', 'model-governance.yml'),
      'utf8'
    )
    const logger = new MemoryLogger()
    const policy = parsePolicy(text, 'model-governance.yml', logger)
    expect(logger.messages('warning')).toEqual([])
    expect(policy.stages!.find(s => s.name === 'Production')).toMatchObject({
      requires_approval: true,
      allow_self_approval: false,
      environment: 'production'
    })
    expect(
      policy.stages!.find(s => s.name === 'Production')!.sign_off!.map(r => r.environment)
    ).toEqual(['production-ds', 'production-ops'])
  })

  it('runs the workflow in act through the shared runner, not an interpreter of its own', () => {
    const main = readFileSync(path.join(ROOT, 'scripts', 'demo', 'main.mjs'), 'utf8')
    expect(main).toMatch(/from '\.\.\/lib\/act\.mjs'/)
    expect(existsSync(path.join(ROOT, 'scripts', 'demo', 'workflow-runner.mjs'))).toBe(false)
    expect(existsSync(path.join(ROOT, 'scripts', 'demo', 'expressions.mjs'))).toBe(false)
  })

  it('follows the governance dvc.yaml pattern: train and validate stages, params, metrics and validation.json, a model artifact', () => {
    const dvc = yaml.load(
      readFileSync(path.join(ROOT, 'scripts', 'demo', 'project', 'dvc.yaml'), 'utf8')
    ) as {
      stages: Record<string, { params?: unknown[]; metrics?: Record<string, unknown>[] }>
      artifacts: Record<string, { path: string; type: string }>
    }
    expect(Object.keys(dvc.stages)).toEqual(expect.arrayContaining(['train', 'validate']))
    expect(dvc.stages.train!.params).toEqual(['train'])
    expect(dvc.stages.train!.metrics!.map(m => Object.keys(m)[0])).toEqual(['metrics.json'])
    expect(dvc.stages.validate!.metrics!.map(m => Object.keys(m)[0])).toEqual(['validation.json'])
    expect(Object.values(dvc.artifacts)).toEqual([
      expect.objectContaining({ path: 'model/model.pkl', type: 'model' })
    ])
  })
})

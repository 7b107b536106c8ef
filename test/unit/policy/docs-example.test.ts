import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { MemoryLogger } from '../../../src/core/logger.js'
import { effectivePolicy, findStage, parsePolicy } from '../../../src/policy/index.js'
import { ROOT } from '../../harness/paths.js'

describe('docs/policy.md', () => {
  it('holds a complete example that the loader accepts without warnings', () => {
    const doc = readFileSync(path.join(ROOT, 'docs', 'policy.md'), 'utf8')
    const example = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1]
    expect(example).toBeDefined()
    const logger = new MemoryLogger()
    const file = parsePolicy(example!, 'docs/policy.md', logger)
    expect(logger.messages('warning')).toEqual([])
    const fraud = effectivePolicy(file, 'fraud-detector')
    expect(fraud.mode).toBe('aliases')
    const production = findStage(fraud, 'Production')!
    expect(production.gates).toEqual(['recall >= 0.95'])
    // The example is promotable on GitHub: two roles, each with an environment of its own.
    expect(production.sign_off?.map(r => [r.role, r.environment, r.approvers])).toEqual([
      ['data-science-lead', 'production-ds', ['@acme/ds-leads']],
      ['mlops-engineer', 'production-ops', ['carol', 'dave']]
    ])
    expect(production.environment).toBe('production')
    const other = effectivePolicy(file, 'churn')
    expect(findStage(other, 'Production')?.gates).toEqual([
      'accuracy >= 0.85',
      'latency_p95_ms < 200'
    ])
    expect(findStage(other, 'Production')?.champion?.metrics.latency_p95_ms).toEqual({
      max_regression: 10,
      greater_is_better: false
    })
  })
})

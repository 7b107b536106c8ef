import { describe, expect, it } from '@jest/globals'
import { ConfigurationError } from '../../../src/core/errors.js'
import { parseSource } from '../../../src/registration/index.js'

const RUN_ID = '0123456789abcdef0123456789abcdef'

describe('parseSource', () => {
  it.each([
    [`runs:/${RUN_ID}/model`, { kind: 'run', runId: RUN_ID, path: 'model' }],
    [`runs:/${RUN_ID}/a/./b/`, { kind: 'run', runId: RUN_ID, path: 'a/b' }],
    [`runs:/${RUN_ID}`, { kind: 'run', runId: RUN_ID, path: '' }],
    ['models:/m-0a1b2c', { kind: 'logged-model', modelId: 'm-0a1b2c', uri: 'models:/m-0a1b2c' }],
    [
      `mlflow-artifacts:/3/${RUN_ID}/artifacts/model`,
      { kind: 'artifact', scheme: 'mlflow-artifacts', runId: RUN_ID }
    ],
    ['s3://bucket/path/model', { kind: 'artifact', scheme: 's3' }]
  ])('reads %s', (raw, expected) => {
    expect(parseSource(raw)).toMatchObject(expected)
  })

  it('does not guess a run for a storage URI', () => {
    expect(parseSource('s3://bucket/path/model')).not.toHaveProperty('runId')
  })

  it.each([
    ['models:/churn/3', /only a logged model/],
    ['models:/churn@champion', /only a logged model/],
    ['./model', /local path/],
    ['/tmp/model', /local path/],
    ['C:/model', /local path/],
    [`runs:/${RUN_ID}/../other`, /'\.\.'/],
    ['s3://bucket/a/../b', /'\.\.'/]
  ])('refuses %s, naming the input and the accepted forms', (raw, reason) => {
    const error = (() => {
      try {
        parseSource(raw)
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(ConfigurationError)
    expect((error as Error).message).toMatch(/^'source' is /)
    expect((error as Error).message).toMatch(reason)
    expect((error as Error).message).toMatch(/runs:\/<run_id>\/<path>, models:\/m-<id>/)
  })
})

import { describe, expect, it } from '@jest/globals'
import { readLineage } from '../../../src/audit/build-entry.js'
import { MemoryLogger } from '../../../src/core/logger.js'
import { levelOf, missing, nextStep, type LevelEvidence } from '../../../src/dvc/lineage-level.js'
import type { MlflowLinkResult } from '../../../src/dvc/mlflow-link.js'
import { classify, type PipelineIndex } from '../../../src/dvc/repro-diff.js'
import { levelMarkdown } from '../../../src/dvc/summary.js'
import { effectivePolicy, minLineageLevel, parsePolicy } from '../../../src/policy/index.js'

const no = (detail: string): { ok: false; detail: string } => ({ ok: false, detail })
const yes = (detail: string): { ok: true; detail: string } => ({ ok: true, detail })

describe('lineage levels', () => {
  it('is the strongest link that holds, and names what the next one misses', () => {
    const evidence = (a: boolean, l: boolean, c: boolean): LevelEvidence => ({
      artifact: a ? yes('bytes') : no('no model.pkl in the registered folder'),
      loggedFile: l ? yes('logged') : no('the run logged no files of its own'),
      commit: c ? yes('equals HEAD') : no('no mlflow.source.git.commit tag')
    })
    expect(levelOf(evidence(true, false, false))).toBe(1)
    expect(levelOf(evidence(false, true, false))).toBe(2)
    expect(levelOf(evidence(false, false, true))).toBe(3)
    expect(levelOf(evidence(false, false, false))).toBe(4)
    expect(missing(3, evidence(false, false, true))).toBe('the run logged no files of its own')
    expect(missing(4, evidence(false, false, false))).toBe('no mlflow.source.git.commit tag')
    expect(missing(2, evidence(false, true, true))).toBe('no model.pkl in the registered folder')
  })

  it('suggests the smallest change to the training code for the next level', () => {
    const model = { path: 'models/model.pkl', stage: 'train' }
    expect(nextStep(3, model)).toBe(
      'in the \'train\' stage, add `mlflow.log_artifact("models/model.pkl")` inside the MLflow run, after the file is written'
    )
    expect(nextStep(4, model)).toContain('dvc repro')
    expect(nextStep(2, model)).toContain('mlflow.sklearn.save_model(model, "models/model")')
  })

  it('states the level in words, the minimum and both commits in the summary', () => {
    const link = {
      level: 3,
      lineageCommit: 'b'.repeat(40),
      commit: 'a'.repeat(40)
    } as unknown as MlflowLinkResult
    const text = levelMarkdown(link, { level: 3, source: 'the default; set lineage: …' })
    expect(text).toContain(
      "**Lineage level 3**: the version's run was recorded at the lineage commit"
    )
    expect(text).toContain(
      "which the seed's flow (log_model inside `dvc repro`, then commit) meets: met"
    )
    expect(text).toContain('(a different commit')
    expect(levelMarkdown(link, { level: 2, source: "stage 'Production'" })).toContain('NOT met')
    expect(levelMarkdown(undefined, undefined)).toContain('**Lineage level 4**')
  })
})

describe('what dvc repro writes (level 3 across commits)', () => {
  const index: PipelineIndex = {
    outs: ['models/model.pkl', 'metrics.json', 'eval'],
    inputs: ['train.py', 'params.yaml', 'src'],
    matches: key =>
      key === 'src' ? { ok: false, detail: 'modified' } : { ok: true, detail: 'unchanged' }
  }
  it.each([
    ['dvc.lock', true, 'lock file'],
    ['pipelines/a/dvc.lock', true, 'lock file'],
    ['data/train.csv.dvc', true, '.dvc file'],
    ['models/.gitignore', true, '.gitignore'],
    ['metrics.json', true, 'DVC output metrics.json'],
    ['eval/plots/roc.json', true, 'DVC output eval'],
    ['train.py', true, 'matches dvc.lock'],
    ['params.yaml', true, 'matches dvc.lock'],
    ['src/helper.py', false, 'does not match dvc.lock (modified)'],
    ['dvc.yaml', false, 'no stage reads it'],
    ['README.md', false, 'no stage reads it']
  ])('%s: ok=%s (%s)', (file, ok, why) => {
    const got = classify(file, index)
    expect(got.ok).toBe(ok)
    expect(got.why).toContain(why)
  })

  it('accepts inputs provisionally while the lineage commit is being located', () => {
    expect(classify('src/helper.py', { outs: [], inputs: ['src'] })).toEqual({
      path: 'src/helper.py',
      ok: true,
      why: 'dependency src (checked at the lineage commit)'
    })
  })
})

describe('policy lineage.min_level', () => {
  const parse = (text: string): ReturnType<typeof parsePolicy> =>
    parsePolicy(text, 'policy.yml', new MemoryLogger())

  it('defaults to level 3, which the seed flow meets', () => {
    const policy = effectivePolicy(parse('stages:\n  - name: Staging\n'), 'm')
    expect(minLineageLevel(policy, 'Staging')).toEqual({
      level: 3,
      source: expect.stringContaining('the default')
    })
  })

  it('reads it globally and per stage (a stage wins), and per model override', () => {
    const file = parse(`lineage: { min_level: 2 }
stages:
  - name: Staging
  - name: Production
    lineage: { min_level: 1 }
models:
  legacy:
    stages:
      - name: Production
        lineage: { min_level: 4 }
`)
    const policy = effectivePolicy(file, 'm', 'policy.yml')
    expect(minLineageLevel(policy, 'Staging')).toEqual({
      level: 2,
      source: "the policy's lineage.min_level in policy.yml"
    })
    expect(minLineageLevel(policy, 'production').level).toBe(1)
    expect(minLineageLevel(effectivePolicy(file, 'legacy'), 'Production').level).toBe(4)
    // The earlier spelling still parses, and leaves the minimum to the policy.
    const old = effectivePolicy(parse('stages:\n  - name: S\n    lineage: required\n'), 'm')
    expect(minLineageLevel(old, 'S').level).toBe(3)
  })

  it('refuses a level outside 1-4, and unknown keys', () => {
    expect(() => parse('lineage: { min_level: 5 }\nstages: [{ name: S }]\n')).toThrow(
      'use 1 (strongest) to 4 (no link)'
    )
    expect(() => parse('stages:\n  - name: S\n    lineage: { min_levle: 2 }\n')).toThrow()
  })
})

describe("audit-log's lineage input carries level and commit", () => {
  it('accepts and records them, and refuses values lineage-check never writes', () => {
    const commit = 'c'.repeat(40)
    expect(
      readLineage(
        JSON.stringify({ 'lock-sha256': 'l', 'model-md5': 'm', verified: true, level: 3, commit })
      )
    ).toEqual({
      lineage: { lock_sha256: 'l', model_md5: 'm', verified: true, level: 3, commit }
    })
    expect(readLineage('{"verified": true, "level": "2"}')).toMatchObject({
      lineage: { level: 2 }
    })
    // Entries from before levels existed keep their shape.
    expect(readLineage('{"lock-sha256": "l", "model-md5": "m", "verified": true}')).toEqual({
      lineage: { lock_sha256: 'l', model_md5: 'm', verified: true }
    })
    expect(readLineage('{"verified": true, "level": 5}')).toEqual({
      reason: expect.stringContaining('a lineage level is 1, 2, 3 or 4')
    })
    expect(readLineage('{"verified": true, "commit": "HEAD~1"}')).toEqual({
      reason: expect.stringContaining('not a full git commit id')
    })
  })
})

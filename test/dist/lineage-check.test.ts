import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { NODE_VERSIONS, runDist, type NodeVersion } from '../harness/dist-runner.js'
import { seed, uniqueName } from '../harness/python.js'
import { harness } from '../harness/state.js'
import { generateProject, removeProject, run, type Project } from '../integration/lineage-check/project-generator.js'

let project: Project
let head: string
let lockText: string
let model: { name: string; version: string }
/** Every lock file of the generated project, in code-point order. */
const LOCK_FILES = [
  'data/corpus.dvc',
  'data/frozen-ref.txt.dvc',
  'data/imported.txt.dvc',
  'data/tracked.csv.dvc',
  'dvc.lock',
  'pipelines/eval/dvc.lock'
]

beforeAll(async () => {
  project = await generateProject(7001, { legacy: false })
  head = run('git', ['rev-parse', 'HEAD'], project.dir).trim()
  lockText = readFileSync(path.join(project.dir, 'dvc.lock'), 'utf8')
  // A run logged at this commit whose model artifact holds the very bytes DVC produced.
  const name = uniqueName('lineage-dist')
  const [, registered] = seed(harness().mlflow.uri, [
    {
      op: 'run',
      tags: { 'mlflow.source.git.commit': head },
      files: { 'eval.bin': readFileSync(path.join(project.dir, 'out/eval.bin')).toString('base64') }
    },
    { op: 'register', name, run: 0, path: 'model' }
  ])
  model = { name, version: registered!.version! }
})

afterAll(() => removeProject(project))

describe.each(NODE_VERSIONS)('lineage-check bundle on %s', (node: NodeVersion) => {
  it('verifies a reproduced project and links the registered model to it', async () => {
    const result = await runDist(
      'lineage-check',
      { 'model-name': model.name, version: model.version, 'verify-mlflow-artifact': 'true', 'tracking-uri': harness().mlflow.uri },
      { node, workspace: project.dir }
    )
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const lockMd5 = /out\/eval\.bin\n\s+hash: md5\n\s+md5: ([0-9a-f]{32})/.exec(lockText)![1]
    expect(result.outputs).toMatchObject({
      verified: 'true',
      // Several lock files: the sha256 of what `sha256sum` prints for all of them, sorted by path.
      'lock-sha256': createHash('sha256').update(run('sha256sum', LOCK_FILES, project.dir)).digest('hex'),
      'git-commit': head,
      'model-path': 'out/eval.bin',
      'model-md5': lockMd5,
      // 14 root stages after expansion, 4 of pipelines/eval, 4 .dvc files.
      'stages-checked': '22'
    })
    const report = JSON.parse(result.outputs.report!) as { stages: { name: string; entries: { path: string; status: string; expected: string; actual: string }[] }[]; mlflow: { artifactCompared: string } }
    expect(report.stages.map(s => s.name)).toEqual(
      expect.arrayContaining(['train@sgd-1e-05', 'pipelines/eval/dvc.yaml:score', 'data/tracked.csv.dvc'])
    )
    // The stage using dvc add outputs names the .dvc files they come from.
    const used = (report.stages.find(s => s.name === 'use_added')!.entries as { path: string; producedBy?: string }[]).filter(e => e.producedBy)
    expect(used.map(e => [e.path, e.producedBy])).toEqual([
      ['data/tracked.csv', 'data/tracked.csv.dvc'],
      ['data/corpus', 'data/corpus.dvc'],
      ['data/imported.txt', 'data/imported.txt.dvc']
    ])
    expect(result.summary).toContain('Data tracked by .dvc files')
    const evalEntry = report.stages.find(s => s.name === 'evaluate')!.entries.find(e => e.path === 'out/eval.bin')!
    expect(evalEntry).toMatchObject({ status: 'unchanged', expected: lockMd5, actual: lockMd5 })
    expect(report.mlflow.artifactCompared).toContain("file 'eval.bin' inside the registered artifact directory")
    expect(result.summary).toContain('Lineage check: verified')
    expect(result.summary).toContain('| kind | path | dvc.lock | workspace | status |')
    expect(result.commands.filter(c => c.command === 'error')).toEqual([])
  })

  it('fails on a modified dependency with an error annotation on its dvc.lock line, and names missing data', async () => {
    const raw = path.join(project.dir, 'data/raw.csv')
    const original = readFileSync(raw)
    const blob = path.join(project.dir, 'data/blob.bin')
    try {
      writeFileSync(raw, Buffer.concat([original, Buffer.from('99,99\n')]))
      renameSync(blob, `${blob}.away`)
      const result = await runDist('lineage-check', { 'require-clean-git': 'false' }, { node, workspace: project.dir })
      expect(result.code).toBe(1)
      expect(result.outputs.verified).toBe('false')
      const errors = result.commands.filter(c => c.command === 'error')
      const rawLine = lockText.split('\n').findIndex(l => l.trim() === '- path: data/raw.csv') + 1
      const modified = errors.find(e => e.message.includes("stage 'prepare': dep data/raw.csv is modified"))
      expect(modified?.properties).toContain('file=dvc.lock')
      expect(modified?.properties).toContain(`line=${rawLine}`)
      expect(errors.some(e => e.message.includes('dep data/blob.bin is deleted') && e.message.includes('dvc pull'))).toBe(true)
      // The final failure comes once, from the run wrapper.
      expect(errors.filter(e => e.message.startsWith('Lineage not verified'))).toHaveLength(1)

      const warned = await runDist('lineage-check', { 'missing-data': 'warn', 'require-clean-git': 'false' }, { node, workspace: project.dir })
      expect(warned.commands.some(c => c.command === 'warning' && c.message.includes('data/blob.bin') && c.message.includes('dvc pull'))).toBe(true)
      expect(warned.code).toBe(1) // raw.csv is still modified

      // With require-clean-git (the default) the dirty tracked dependency is reported too.
      const strict = await runDist('lineage-check', { 'missing-data': 'lock-only' }, { node, workspace: project.dir })
      expect(strict.code).toBe(1)
      expect(strict.all).toContain('uncommitted changes (require-clean-git is true)')
      expect(strict.outputs['model-md5']).toMatch(/^[0-9a-f]{32}$/)
    } finally {
      writeFileSync(raw, original)
      renameSync(`${blob}.away`, blob)
    }
  })
})

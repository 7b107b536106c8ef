import { spawnSync } from 'node:child_process'
import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import path from 'node:path'
import yaml from 'js-yaml'
import { DVC, OUTPUT } from '../../harness/paths.js'
import type { DvcReference } from './dvc-reference.js'

/** Deterministic PRNG (mulberry32), so a failing case can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const result = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      DVC_NO_ANALYTICS: '1',
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@e',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@e',
      ...env
    },
    timeout: 120_000
  })
  if (result.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}: ${result.stderr}${result.stdout}`)
  return result.stdout
}

/** A >1 MiB file whose 1 MiB chunks alternate text-with-CRLF and binary: DVC 2 and 3 legacy rules differ on it. */
export function mixedBytes(rand: () => number): Buffer {
  const text = Buffer.from('id,value\r\n'.repeat(110_000).slice(0, 1024 * 1024))
  const binary = Buffer.alloc(300_000)
  for (let i = 0; i < binary.length; i++) binary[i] = Math.floor(rand() * 256)
  return Buffer.concat([text, binary, Buffer.from('tail,1\r\n'.repeat(50))])
}

export interface Project {
  dir: string
  /** Files (relative) the mutator may edit, delete or chmod. */
  files: string[]
  /** Tracked directories, where files may be added. */
  dirs: string[]
  legacy: boolean
  /** Folders holding a dvc.yaml, relative to the root ('.' for it): dvc status runs in each. */
  pipelines: string[]
  /** Outputs of `dvc add` (file or folder) with their .dvc file. */
  added: { path: string; dvcFile: string }[]
  /** `.dvc` files of imports (`dvc import-url`). */
  imports: string[]
  /** The import-url source, outside the project. */
  outside: string
}

const DVC_YAML = {
  vars: [{ tag: 'v1' }],
  stages: {
    prepare: {
      cmd: 'mkdir -p out/prepared && cp -r data/images out/prepared/ && cp data/raw.csv out/prepared/raw.csv',
      deps: ['data/images', 'data/raw.csv'],
      params: ['prepare.seed', 'prepare.split'],
      outs: ['out/prepared']
    },
    featurize: {
      foreach: '${models}',
      do: {
        cmd: 'cat out/prepared/raw.csv data/crlf.txt > out/feat-${item}.txt # ${tag} lr=${train.lr}',
        deps: ['out/prepared', 'data/crlf.txt'],
        params: ['train.lr', 'train.flags'],
        outs: ['out/feat-${item}.txt']
      }
    },
    train: {
      matrix: { opt: ['sgd', 'adam'], scale: '${scales}' },
      cmd: 'cat out/feat-a.txt data/blob.bin > out/model-${item.opt}-${item.scale}.bin',
      deps: ['out/feat-a.txt', 'data/blob.bin'],
      params: [
        { 'params.json': ['eval.threshold', 'eval.k'] },
        { 'config.toml': ['train.batch', 'train.opt'] }
      ],
      outs: ['out/model-${item.opt}-${item.scale}.bin']
    },
    big: {
      cmd: 'cp data/mixed.bin out/mixed-copy.bin && cp data/crlf.txt out/crlf-copy.txt',
      deps: ['data/mixed.bin', 'data/crlf.txt'],
      outs: ['out/mixed-copy.bin', 'out/crlf-copy.txt']
    },
    evaluate: {
      cmd: ['cp out/model-sgd-1.0.bin out/eval.bin', 'echo {\\"acc\\": 0.9} > out/metrics.json'],
      deps: ['out/model-sgd-1.0.bin'],
      params: [{ 'params.json': null }, 'prepare'],
      outs: ['out/eval.bin'],
      metrics: [{ 'out/metrics.json': { cache: false } }]
    },
    frozen_copy: {
      cmd: 'cp data/raw.csv out/frozen.csv',
      deps: ['data/raw.csv'],
      outs: ['out/frozen.csv']
    },
    always: {
      cmd: 'cp data/blob.bin out/always.bin',
      always_changed: true,
      deps: ['data/blob.bin'],
      outs: ['out/always.bin']
    },
    empty_out: { cmd: 'mkdir -p out/emptydir', outs: ['out/emptydir'] },
    // A stage whose deps are `dvc add` outputs: the .dvc files are part of its lineage.
    use_added: {
      cmd: 'cat data/tracked.csv > out/tracked-copy.csv && ls data/corpus > out/corpus-list.txt',
      deps: ['data/tracked.csv', 'data/corpus', 'data/imported.txt'],
      outs: ['out/tracked-copy.csv', 'out/corpus-list.txt']
    },
    callback: { cmd: 'echo callback' }
  },
  artifacts: { classifier: { path: 'out/eval.bin', type: 'model' } }
}

/** The second pipeline, in a sub-folder: paths, params and vars relative to that folder. */
const SUB_DVC_YAML = {
  vars: [{ label: 'eval' }],
  stages: {
    score: {
      cmd: 'mkdir -p out && cat ../../data/tracked.csv local.txt > out/score.txt # ${label} ${threshold}',
      deps: ['../../data/tracked.csv', 'local.txt'],
      params: ['threshold', { 'sub-params.json': ['weights'] }],
      outs: ['out/score.txt']
    },
    report: {
      foreach: '${sets}',
      do: {
        cmd: 'mkdir -p out && ls ../../data/corpus > out/report-${item}.txt',
        deps: ['../../data/corpus'],
        outs: ['out/report-${item}.txt']
      }
    },
    upward: {
      wdir: '..',
      cmd: 'cp eval/local.txt wd-copy.txt',
      deps: ['eval/local.txt'],
      outs: ['wd-copy.txt']
    }
  }
}

const PARAMS_YAML = `prepare:
  seed: 20170428
  split: 0.2
train:
  lr: 0.001
  flags:
    augment: true
    depth: 3
models: [a, b]
scales: [1.0, 1e-05]
`

/** Builds a real DVC project (git + dvc init + dvc repro) under test-output. */
export async function generateProject(
  seed: number,
  options: { legacy: boolean; reference?: DvcReference }
): Promise<Project> {
  const rand = prng(seed)
  mkdirSync(path.join(OUTPUT, 'lineage'), { recursive: true })
  const dir = mkdtempSync(path.join(OUTPUT, 'lineage', `p${seed}-`))
  const w = (rel: string, data: string | Buffer): void => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true })
    writeFileSync(path.join(dir, rel), data)
  }
  w(
    'data/raw.csv',
    Array.from({ length: 50 }, (_, i) => `${i},${Math.floor(rand() * 1000)}`).join('\n') + '\n'
  )
  w('data/crlf.txt', 'line1\r\nline2\r\nthird line\r\n')
  const blob = Buffer.alloc(4096)
  for (let i = 0; i < blob.length; i++) blob[i] = Math.floor(rand() * 256)
  w('data/blob.bin', blob)
  w('data/mixed.bin', mixedBytes(rand))
  w('data/images/a.txt', 'hello\n')
  w('data/images/sub/b.txt', 'world\n')
  w('data/images/sub/deeper/c.bin', Buffer.from([0, 1, 2, 3, 255]))
  w('data/images/données/é.txt', 'accent\n')
  w('data/images/😀.txt', 'emoji\n')
  w('data/images/\uffff.txt', 'bmp-last\n')
  w('data/images/scratch.tmp', 'ignored by .dvcignore\n')
  mkdirSync(path.join(dir, 'data/images/empty'), { recursive: true })
  w('.dvcignore', '*.tmp\n')
  w('params.yaml', PARAMS_YAML)
  w(
    'params.json',
    JSON.stringify({ eval: { threshold: 0.5, k: [1, 2] }, other: 'x' }, null, 2) + '\n'
  )
  w('config.toml', '[train]\nbatch = 32\n\n[train.opt]\nname = "sgd"\nmomentum = 0.9\n')
  w('dvc.yaml', yaml.dump(DVC_YAML, { lineWidth: 200 }))
  w('.gitignore', '/out\n')
  // Data tracked the way most DVC users track it: `dvc add` (a file, a folder, a frozen file)
  // and `dvc import-url` of a file outside the project.
  w(
    'data/tracked.csv',
    Array.from({ length: 20 }, (_, i) => `${i},${Math.floor(rand() * 99)}`).join('\n') + '\n'
  )
  w('data/corpus/a.txt', 'corpus a\n')
  w('data/corpus/sub/b.txt', 'corpus b\r\n')
  w('data/corpus/skip.tmp', 'dvcignored\n')
  w('data/frozen-ref.txt', 'frozen reference\n')
  const outside = `${dir}-source`
  mkdirSync(outside, { recursive: true })
  writeFileSync(path.join(outside, 'remote.txt'), 'imported from outside\n')
  w('pipelines/eval/dvc.yaml', yaml.dump(SUB_DVC_YAML, { lineWidth: 200 }))
  w('pipelines/eval/params.yaml', 'threshold: 0.5\nsets: [s1, s2]\n')
  w('pipelines/eval/sub-params.json', '{"weights": [1, 2], "unused": 0}\n')
  w('pipelines/eval/local.txt', 'local to the sub-pipeline\n')
  run('git', ['init', '-q', '-b', 'main'], dir)
  run(DVC, ['init', '-q'], dir)
  // A fresh hash-state DB per project: DVC starts cold, as on a CI runner.
  run(DVC, ['config', 'core.site_cache_dir', path.join(dir, '.dvc', 'site-cache')], dir)
  run(DVC, ['add', '-q', 'data/tracked.csv', 'data/corpus', 'data/frozen-ref.txt'], dir)
  // What `dvc freeze data/frozen-ref.txt.dvc` writes (one DVC start-up fewer).
  appendFileSync(path.join(dir, 'data/frozen-ref.txt.dvc'), 'frozen: true\n')
  run(DVC, ['import-url', '-q', path.join(outside, 'remote.txt'), 'data/imported.txt'], dir)
  // Every pipeline of the repository, the root one and pipelines/eval.
  run(DVC, ['repro', '-q', '--all-pipelines'], dir)
  // A frozen stage is not run by repro: run it, then freeze it (frozen is not in the lock).
  run(DVC, ['freeze', '-q', 'frozen_copy'], dir)
  if (options.legacy) await makeLegacy(dir, options.reference!)
  run('git', ['add', '-A'], dir)
  run('git', ['commit', '-q', '-m', 'pipeline'], dir)
  return {
    dir,
    legacy: options.legacy,
    files: [
      'data/raw.csv',
      'data/crlf.txt',
      'data/blob.bin',
      'data/mixed.bin',
      'data/images/a.txt',
      'data/images/sub/b.txt',
      'data/images/données/é.txt',
      'data/images/😀.txt',
      'out/feat-a.txt',
      'out/mixed-copy.bin',
      'out/crlf-copy.txt',
      'out/metrics.json',
      'out/eval.bin',
      'out/frozen.csv',
      'out/always.bin',
      'out/prepared/raw.csv',
      'out/model-adam-1e-05.bin',
      'data/tracked.csv',
      'data/corpus/a.txt',
      'data/corpus/sub/b.txt',
      'data/frozen-ref.txt',
      'data/imported.txt',
      'out/tracked-copy.csv',
      'pipelines/eval/local.txt',
      'pipelines/eval/out/score.txt',
      'pipelines/eval/out/report-s1.txt',
      'pipelines/wd-copy.txt'
    ],
    dirs: ['data/images', 'data/images/sub', 'out/prepared', 'out/emptydir', 'data/corpus'],
    pipelines: ['.', 'pipelines/eval'],
    added: [
      { path: 'data/tracked.csv', dvcFile: 'data/tracked.csv.dvc' },
      { path: 'data/corpus', dvcFile: 'data/corpus.dvc' },
      { path: 'data/frozen-ref.txt', dvcFile: 'data/frozen-ref.txt.dvc' }
    ],
    imports: ['data/imported.txt.dvc'],
    outside
  }
}

/**
 * Rewrites the file entries of dvc.lock the way DVC 2 wrote them: no `hash:` key, md5 by the
 * dos2unix rule (computed by DVC's own dvc-data, not by the code under test).
 */
async function makeLegacy(dir: string, reference: DvcReference): Promise<void> {
  const lockPath = path.join(dir, 'dvc.lock')
  const lock = yaml.load(readFileSync(lockPath, 'utf8')) as {
    stages: Record<string, { deps?: Entry[]; outs?: Entry[] }>
  }
  type Entry = { path: string; hash?: string; md5: string }
  const entries: Entry[] = []
  for (const stage of Object.values(lock.stages)) {
    for (const e of [...(stage.deps ?? []), ...(stage.outs ?? [])])
      if (!e.md5.endsWith('.dir')) entries.push(e)
  }
  const md5s = await reference.legacyMd5(entries.map(e => path.join(dir, e.path)))
  for (const e of entries) {
    delete e.hash
    e.md5 = md5s[path.join(dir, e.path)]!
    // DVC 2 kept objects at .dvc/cache/<2>/<30> (DVC 3 reads legacy entries from there).
    const object = path.join(dir, '.dvc', 'cache', e.md5.slice(0, 2), e.md5.slice(2))
    mkdirSync(path.dirname(object), { recursive: true })
    copyFileSync(path.join(dir, e.path), object)
  }
  writeFileSync(
    lockPath,
    yaml.dump(lock, { lineWidth: 200 }).replace(/^schema: 2\.0|^schema: '2\.0'/m, "schema: '2.0'")
  )
  // `dvc add` files of DVC 2 have the same shape: outs without `hash:`, paths relative to the
  // .dvc file's folder.
  for (const file of ['data/tracked.csv.dvc', 'data/frozen-ref.txt.dvc']) {
    const abs = path.join(dir, file)
    const doc = yaml.load(readFileSync(abs, 'utf8')) as { outs: Entry[] }
    const data = doc.outs.map(o => path.join(path.dirname(abs), o.path))
    const legacy = await reference.legacyMd5(data)
    doc.outs.forEach((o, i) => {
      delete o.hash
      o.md5 = legacy[data[i]!]!
      const object = path.join(dir, '.dvc', 'cache', o.md5.slice(0, 2), o.md5.slice(2))
      mkdirSync(path.dirname(object), { recursive: true })
      copyFileSync(data[i]!, object)
    })
    writeFileSync(abs, yaml.dump(doc, { lineWidth: 200 }))
  }
}

export function removeProject(project: Project): void {
  rmSync(project.dir, { recursive: true, force: true })
  rmSync(project.outside, { recursive: true, force: true })
}

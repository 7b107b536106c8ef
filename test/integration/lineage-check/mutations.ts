import {
  appendFileSync,
  chmodSync,
  readdirSync,
  existsSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
  mkdirSync
} from 'node:fs'
import path from 'node:path'
import { DVC } from '../../harness/paths.js'
import { run, type Project } from './project-generator.js'

/** What a mutation changed, so it can be undone exactly (bytes and mode). */
interface Saved {
  rel: string
  bytes?: Buffer
  mode?: number
}

export interface AppliedMutation {
  description: string
  restore(): void
}

let clock = 1_800_000_000
/**
 * Every write gets a distinct mtime, whole seconds apart: file timestamps are coarse (a few ms),
 * and DVC's state DB trusts (inode, mtime, size), so an edit in the same tick would be missed by
 * DVC itself and the test would compare against a stale reference.
 */
function bumpMtime(abs: string): void {
  clock += 2
  if (existsSync(abs)) utimesSync(abs, clock, clock)
}

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!
}

type Edit = { file: string; from: string | RegExp; to: string; what: string }

const PARAM_EDITS: Edit[] = [
  {
    file: 'params.yaml',
    from: 'seed: 20170428',
    to: 'seed: 20170429',
    what: 'prepare.seed changed'
  },
  {
    file: 'params.yaml',
    from: 'split: 0.2',
    to: 'split: 2.0e-1',
    what: 'prepare.split rewritten, same value'
  },
  {
    file: 'params.yaml',
    from: 'depth: 3',
    to: 'depth: 3.0',
    what: 'train.flags.depth 3 -> 3.0 (equal)'
  },
  {
    file: 'params.yaml',
    from: 'augment: true',
    to: 'augment: 1',
    what: 'train.flags.augment true -> 1 (equal)'
  },
  {
    file: 'params.yaml',
    from: 'augment: true',
    to: 'augment: yes',
    what: "train.flags.augment true -> 'yes' (a string in YAML 1.2)"
  },
  {
    file: 'params.yaml',
    from: 'lr: 0.001',
    to: 'lr: 0.002',
    what: 'train.lr changed (also in a ${} command)'
  },
  { file: 'params.yaml', from: '  split: 0.2\n', to: '', what: 'prepare.split deleted' },
  {
    file: 'params.yaml',
    from: 'prepare:\n',
    to: 'prepare:\n  extra: 1\n',
    what: 'new key inside the tracked prepare group'
  },
  {
    file: 'params.json',
    from: '"threshold": 0.5',
    to: '"threshold": 0.6',
    what: 'eval.threshold changed'
  },
  {
    file: 'params.json',
    from: '"other": "x"',
    to: '"other": "y"',
    what: 'untracked-by-key value in a wholly tracked file'
  },
  {
    file: 'params.json',
    from: '"other": "x"',
    to: '"other": "x", "added": true',
    what: 'new top-level key in a wholly tracked file'
  },
  { file: 'params.json', from: /\[\s*1,\s*2\s*\]/, to: '[2, 1]', what: 'list order changed' },
  { file: 'config.toml', from: 'batch = 32', to: 'batch = 64', what: 'toml train.batch changed' },
  {
    file: 'config.toml',
    from: 'momentum = 0.9',
    to: 'momentum = 9e-1',
    what: 'toml momentum rewritten, same value'
  },
  {
    file: 'config.toml',
    from: 'name = "sgd"',
    to: 'name = "adam"',
    what: 'toml nested group value changed'
  },
  {
    file: 'pipelines/eval/params.yaml',
    from: 'threshold: 0.5',
    to: 'threshold: 0.7',
    what: 'sub-pipeline param (and ${} in its cmd) changed'
  },
  {
    file: 'pipelines/eval/params.yaml',
    from: 'threshold: 0.5',
    to: 'threshold: 5.0e-1',
    what: 'sub-pipeline param rewritten, same value (same cmd text)'
  },
  {
    file: 'pipelines/eval/params.yaml',
    from: 'sets: [s1, s2]',
    to: 'sets: [s1, s2, s3]',
    what: 'sub-pipeline foreach gains a stage (never run)'
  },
  {
    file: 'pipelines/eval/sub-params.json',
    from: '[1, 2]',
    to: '[1, 3]',
    what: 'sub-pipeline JSON param changed'
  },
  {
    file: 'pipelines/eval/sub-params.json',
    from: '"unused": 0',
    to: '"unused": 1',
    what: 'sub-pipeline untracked JSON key changed'
  }
]

const CMD_EDITS: Edit[] = [
  {
    file: 'dvc.yaml',
    from: 'cp data/mixed.bin out/mixed-copy.bin',
    to: 'cp  data/mixed.bin out/mixed-copy.bin',
    what: 'big: whitespace in cmd'
  },
  {
    file: 'dvc.yaml',
    from: 'cp data/raw.csv out/frozen.csv',
    to: 'cp -p data/raw.csv out/frozen.csv',
    what: 'frozen stage cmd'
  },
  { file: 'dvc.yaml', from: '# ${tag}', to: '# ${tag}!', what: 'foreach do.cmd' },
  { file: 'dvc.yaml', from: '- tag: v1', to: '- tag: v2', what: 'vars value used in ${} of a cmd' },
  {
    file: 'dvc.yaml',
    from: 'mkdir -p out/emptydir',
    to: 'mkdir -p out/emptydir ',
    what: 'trailing space in cmd'
  },
  {
    file: 'pipelines/eval/dvc.yaml',
    from: 'label: eval',
    to: 'label: evaluation',
    what: 'sub-pipeline vars value used in a cmd'
  },
  {
    file: 'pipelines/eval/dvc.yaml',
    from: 'cp eval/local.txt wd-copy.txt',
    to: 'cp -p eval/local.txt wd-copy.txt',
    what: 'sub-pipeline stage with wdir: .. changed cmd'
  }
]

/** Every file under a folder (relative to the project root). */
function filesUnder(root: string, rel: string): string[] {
  const abs = path.join(root, rel)
  if (!existsSync(abs)) return []
  if (!statSync(abs).isDirectory()) return [rel]
  return readdirSync(abs).flatMap(name => filesUnder(root, `${rel}/${name}`))
}

export function mutate(project: Project, rand: () => number): AppliedMutation {
  const saved: Saved[] = []
  const abs = (rel: string): string => path.join(project.dir, rel)
  const save = (rel: string): void => {
    if (saved.some(s => s.rel === rel)) return
    const a = abs(rel)
    saved.push(
      existsSync(a) ? { rel, bytes: readFileSync(a), mode: statSync(a).mode & 0o777 } : { rel }
    )
  }
  const restore = (): void => {
    for (const s of saved) {
      const a = abs(s.rel)
      // Removed first: a cache object is read-only (0444), and DVC may have replaced it.
      rmSync(a, { force: true })
      if (s.bytes !== undefined) {
        mkdirSync(path.dirname(a), { recursive: true })
        writeFileSync(a, s.bytes)
        chmodSync(a, s.mode!)
      }
      bumpMtime(a)
    }
  }
  const edit = (e: Edit): string => {
    save(e.file)
    const text = readFileSync(abs(e.file), 'utf8')
    writeFileSync(abs(e.file), text.replace(e.from, e.to))
    bumpMtime(abs(e.file))
    return `${e.file}: ${e.what}`
  }
  const kind = pick(rand, [
    'edit',
    'edit',
    'delete',
    'add',
    'param',
    'param',
    'cmd',
    'touch',
    'chmod',
    'crlf',
    'symlink-out',
    'tracked',
    'tracked',
    'tracked'
  ] as const)
  let description: string
  switch (kind) {
    case 'edit': {
      const rel = pick(rand, project.files)
      save(rel)
      const bytes = readFileSync(abs(rel))
      const how = pick(rand, ['append', 'flip', 'truncate'] as const)
      let next: Buffer
      if (how === 'append') next = Buffer.concat([bytes, Buffer.from('x')])
      else if (how === 'truncate') next = bytes.subarray(0, Math.floor(bytes.length / 2))
      else {
        next = Buffer.from(bytes)
        const at = Math.floor(rand() * Math.max(1, next.length))
        if (next.length === 0) next = Buffer.from('y')
        else next[at] = (next[at]! + 1) % 256
      }
      writeFileSync(abs(rel), next)
      bumpMtime(abs(rel))
      description = `edit (${how}) ${rel}`
      break
    }
    case 'delete': {
      const rel = pick(rand, project.files)
      save(rel)
      rmSync(abs(rel), { force: true })
      description = `delete ${rel}`
      break
    }
    case 'add': {
      const dir = pick(rand, project.dirs)
      const name = pick(rand, ['new.txt', 'nouveau-é.txt', 'more.tmp', 'deep/er/new.bin'])
      const rel = `${dir}/${name}`
      save(rel)
      mkdirSync(path.dirname(abs(rel)), { recursive: true })
      writeFileSync(abs(rel), name.endsWith('.bin') ? Buffer.from([0, 9, 0]) : 'added\r\n')
      bumpMtime(abs(rel))
      description = `add ${rel}${name.endsWith('.tmp') ? ' (dvcignored)' : ''}`
      break
    }
    case 'param':
      description = edit(pick(rand, PARAM_EDITS))
      break
    case 'cmd':
      description = edit(pick(rand, CMD_EDITS))
      break
    case 'touch': {
      const rel = pick(rand, project.files)
      save(rel)
      bumpMtime(abs(rel))
      description = `touch ${rel}`
      break
    }
    case 'chmod': {
      const rel = pick(rand, project.files)
      save(rel)
      chmodSync(abs(rel), (statSync(abs(rel)).mode & 0o777) ^ 0o111)
      description = `chmod +-x ${rel}`
      break
    }
    case 'symlink-out': {
      // A symlink inside a tracked folder to a file outside the project: DVC follows it and
      // says the folder is modified; lineage-check refuses to read it, with the same verdict.
      const dir = pick(rand, project.dirs)
      const rel = `${dir}/leak-${Math.floor(rand() * 1000)}.txt`
      const target = path.join(path.dirname(project.dir), 'outside-secret.txt')
      if (!existsSync(target)) writeFileSync(target, 'a secret outside the project\n')
      save(rel)
      mkdirSync(path.dirname(abs(rel)), { recursive: true })
      symlinkSync(target, abs(rel))
      description = `symlink ${rel} -> a file outside the project`
      break
    }
    case 'tracked': {
      description = mutateTracked(project, rand, { save, abs, edit })
      break
    }
    case 'crlf': {
      const rel = pick(rand, [
        'data/crlf.txt',
        'out/crlf-copy.txt',
        'data/images/a.txt',
        'data/raw.csv'
      ])
      save(rel)
      const text = readFileSync(abs(rel), 'latin1')
      const next = text.includes('\r\n') ? text.replace(/\r\n/g, '\n') : text.replace(/\n/g, '\r\n')
      writeFileSync(abs(rel), next, 'latin1')
      bumpMtime(abs(rel))
      description = `line endings flipped in ${rel}`
      break
    }
  }
  return { description, restore }
}

/** Mutations of data tracked by `.dvc` files (`dvc add`, `dvc import-url`). */
function mutateTracked(
  project: Project,
  rand: () => number,
  tools: { save: (rel: string) => void; abs: (rel: string) => string; edit: (e: Edit) => string }
): string {
  const { save, abs } = tools
  const added = pick(rand, project.added)
  const cacheObject = (dvcFile: string): string => {
    const md5 = /md5: ([0-9a-f]{32}(?:\.dir)?)/.exec(readFileSync(abs(dvcFile), 'utf8'))![1]!
    const legacy = !/hash: md5/.test(readFileSync(abs(dvcFile), 'utf8'))
    return legacy
      ? `.dvc/cache/${md5.slice(0, 2)}/${md5.slice(2)}`
      : `.dvc/cache/files/md5/${md5.slice(0, 2)}/${md5.slice(2)}`
  }
  const how = pick(rand, [
    'remove',
    're-add',
    'frozen',
    'md5',
    'import-md5',
    'drop-cache',
    'corrupt-cache',
    'dvcignore',
    'gitignore',
    'delete-dvcfile'
  ] as const)
  switch (how) {
    case 'remove': {
      for (const f of filesUnder(project.dir, added.path)) save(f)
      rmSync(abs(added.path), { recursive: true, force: true })
      return `remove the dvc add output ${added.path}`
    }
    case 're-add': {
      // Changed and `dvc add`ed again: the .dvc file is in sync, the stages using it are not.
      const target = added.path === 'data/frozen-ref.txt' ? 'data/tracked.csv' : added.path
      const file = filesUnder(project.dir, target)[0]!
      for (const f of [...filesUnder(project.dir, target), `${target}.dvc`, 'data/.gitignore'])
        save(f)
      chmodSync(abs(file), 0o644)
      appendFileSync(abs(file), `re-added ${Math.floor(rand() * 1000)}\n`)
      bumpMtime(abs(file))
      run(DVC, ['add', '-q', target], project.dir)
      bumpMtime(abs(`${target}.dvc`))
      return `change and re-add ${target} (dvc add)`
    }
    case 'frozen': {
      const file = pick(rand, [added.dvcFile, ...project.imports])
      save(file)
      const text = readFileSync(abs(file), 'utf8')
      writeFileSync(
        abs(file),
        text.includes('frozen: true')
          ? text.replace(/^frozen: true\n/m, '')
          : `${text.trimEnd()}\nfrozen: true\n`
      )
      bumpMtime(abs(file))
      return `toggle frozen in ${file}`
    }
    case 'md5': {
      save(added.dvcFile)
      const text = readFileSync(abs(added.dvcFile), 'utf8')
      writeFileSync(
        abs(added.dvcFile),
        text.replace(
          /md5: ([0-9a-f]{31})([0-9a-f])/,
          (_, head: string, last: string) => `md5: ${head}${last === '0' ? '1' : '0'}`
        )
      )
      bumpMtime(abs(added.dvcFile))
      return `hand-edited out md5 in ${added.dvcFile}`
    }
    case 'import-md5': {
      const file = pick(rand, project.imports)
      save(file)
      const text = readFileSync(abs(file), 'utf8')
      // The dep's md5 (inside deps:): the stage md5 no longer matches the content.
      const at = text.indexOf('deps:')
      writeFileSync(
        abs(file),
        text.slice(0, at) +
          text
            .slice(at)
            .replace(
              /md5: ([0-9a-f]{31})([0-9a-f])/,
              (_, head: string, last: string) => `md5: ${head}${last === 'a' ? 'b' : 'a'}`
            )
      )
      bumpMtime(abs(file))
      return `hand-edited dep md5 in the import ${file} (changed checksum)`
    }
    case 'drop-cache': {
      const object = cacheObject(added.dvcFile)
      save(object)
      rmSync(abs(object), { force: true })
      return `remove the cache object of ${added.dvcFile}`
    }
    case 'corrupt-cache': {
      // A writable cache file is re-hashed by DVC; a corrupt one is "not in cache" (DVC
      // deletes it too; restore() puts it back).
      const object = cacheObject(added.dvcFile)
      save(object)
      const mode = rand() < 0.5 ? 0o644 : 0o444
      chmodSync(abs(object), 0o644)
      appendFileSync(abs(object), 'corrupt')
      chmodSync(abs(object), mode)
      bumpMtime(abs(object))
      return `corrupt the cache object of ${added.dvcFile} (mode ${mode.toString(8)})`
    }
    case 'dvcignore': {
      save('.dvcignore')
      // (Ignoring an output itself makes DVC fail with OutputIsIgnoredError: not a verdict.)
      const line = pick(rand, [added.dvcFile, 'pipelines/eval/dvc.yaml', 'data/*.dvc'])
      appendFileSync(abs('.dvcignore'), `${line}\n`)
      bumpMtime(abs('.dvcignore'))
      return `.dvcignore ${line}`
    }
    case 'gitignore': {
      save('data/.gitignore')
      appendFileSync(abs('data/.gitignore'), `/${path.posix.basename(added.dvcFile)}\n`)
      bumpMtime(abs('data/.gitignore'))
      return `git-ignore ${added.dvcFile} (DVC does not collect it)`
    }
    case 'delete-dvcfile': {
      save(added.dvcFile)
      rmSync(abs(added.dvcFile), { force: true })
      return `delete ${added.dvcFile}`
    }
  }
}

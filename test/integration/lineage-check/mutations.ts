import {
  chmodSync,
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
import type { Project } from './project-generator.js'

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
  }
]

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
      if (s.bytes === undefined) rmSync(a, { force: true })
      else {
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
    'symlink-out'
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

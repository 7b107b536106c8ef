import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { ConfigurationError } from '../../../src/core/errors.js'
import { MemoryLogger } from '../../../src/core/logger.js'
import { runLineageCheck, type LineageCheckOutcome } from '../../../src/dvc/lineage-check.js'
import { verifyLineage } from '../../../src/dvc/verify.js'
import { createGitRunner } from '../../../src/git/git.js'
import { OUTPUT } from '../../harness/paths.js'
import { billionLaughs } from '../../harness/bombs.js'
import { DvcReference } from './dvc-reference.js'
import { smallProject } from './small-project.js'

/**
 * Attacks through the files of a real DVC project (reproduced by DVC, committed to git): each
 * is refused, the secret it aims at never appears in any result or log line, and each finishes
 * in seconds without the memory blowing up.
 */
const SECRET = 'ghp_untrusted_input_secret_4417'
const reference = new DvcReference()
let dir: string
let outside: string
let pristine: Record<string, Buffer>

beforeAll(() => {
  dir = smallProject('untrusted')
  outside = mkdtempSync(path.join(OUTPUT, 'lineage', 'outside-'))
  writeFileSync(path.join(outside, 'secret.json'), JSON.stringify({ token: SECRET }))
  writeFileSync(path.join(outside, 'params.yaml'), `train:\n  epochs: 3\ntoken: ${SECRET}\n`)
  writeFileSync(path.join(outside, 'secret.txt'), `${SECRET}\n`)
  pristine = Object.fromEntries(
    ['dvc.yaml', 'dvc.lock', 'params.yaml'].map(f => [f, readFileSync(path.join(dir, f))])
  )
})
afterAll(() => {
  reference.close()
  rmSync(dir, { recursive: true, force: true })
  rmSync(outside, { recursive: true, force: true })
})

function restore(): void {
  for (const [file, bytes] of Object.entries(pristine)) {
    rmSync(path.join(dir, file), { force: true })
    writeFileSync(path.join(dir, file), bytes)
  }
}

const rel = (file: string): string => path.relative(dir, path.join(outside, file))

interface Attempt {
  outcome?: LineageCheckOutcome
  error?: unknown
  logs: string
  ms: number
  rssGrowthMb: number
}

/** The whole check, as the action runs it, with every log line kept. */
async function attempt(allowExternal = false): Promise<Attempt> {
  const logger = new MemoryLogger()
  const rssBefore = process.memoryUsage().rss
  const started = performance.now()
  let outcome: LineageCheckOutcome | undefined
  let error: unknown
  try {
    outcome = await runLineageCheck({
      root: dir,
      lockDisplay: 'dvc.lock',
      missingData: 'fail',
      allowExternal,
      requireCleanGit: false,
      git: createGitRunner(logger, dir),
      logger
    })
  } catch (e) {
    error = e
  }
  return {
    ...(outcome ? { outcome } : {}),
    error,
    logs: JSON.stringify(logger.lines),
    ms: performance.now() - started,
    rssGrowthMb: (process.memoryUsage().rss - rssBefore) / 1e6
  }
}

/** The three checks of every case: refused, nothing leaked, bounded. */
function expectRefusedWithoutLeak(result: Attempt, refusal: RegExp): void {
  const text = [
    result.error instanceof Error ? result.error.message : '',
    result.outcome?.reportJson ?? '',
    result.outcome?.summary ?? '',
    ...(result.outcome?.problems ?? []),
    result.logs
  ].join('\n')
  if (result.error !== undefined) expect(result.error).toBeInstanceOf(ConfigurationError)
  else {
    expect(result.outcome?.verified).toBe(false)
    // The refusal was logged as an error annotation too, and the log holds no secret either.
    expect(result.logs).toMatch(refusal)
  }
  expect(text).toMatch(refusal)
  expect(text).not.toContain(SECRET)
  expect(result.ms).toBeLessThan(10_000)
  expect(result.rssGrowthMb).toBeLessThan(200)
}

function addStage(yamlStage: string, lockStage = ''): void {
  const y = readFileSync(path.join(dir, 'dvc.yaml'), 'utf8')
  writeFileSync(path.join(dir, 'dvc.yaml'), y.replace('stages:\n', `stages:\n${yamlStage}`))
  const l = readFileSync(path.join(dir, 'dvc.lock'), 'utf8')
  writeFileSync(path.join(dir, 'dvc.lock'), l.replace('stages:\n', `stages:\n${lockStage}`))
}

describe('lineage-check reads no file outside the project', () => {
  it("refuses a vars: file outside the project, which would have put its secret into the stage's command", async () => {
    try {
      const y = readFileSync(path.join(dir, 'dvc.yaml'), 'utf8')
      writeFileSync(path.join(dir, 'dvc.yaml'), `vars:\n  - ${rel('secret.json')}\n${y}`)
      // The lock records another command, so the report shows the resolved one.
      addStage(`  leak:\n    cmd: echo \${token}\n`, `  leak:\n    cmd: echo old\n`)
      const result = await attempt()
      expectRefusedWithoutLeak(
        result,
        /^dvc\.yaml:1: vars file \.\.\/outside-\w+\/secret\.json contains '\.\.' leading outside the project; it was not read \(set allow-external: true/
      )
      expect((result.error as ConfigurationError).location).toEqual({ file: 'dvc.yaml', line: 1 })
      // The guard is what stands between: with allow-external the file is read.
      const allowed = await attempt(true)
      expect(allowed.outcome?.reportJson).toContain(SECRET)
    } finally {
      restore()
    }
  })

  it('refuses a stage params file outside the project as an entry (and asks git nothing about it)', async () => {
    try {
      const file = rel('params.yaml')
      addStage(
        `  leak:\n    cmd: 'true'\n    params:\n      - ${file}:\n        - token\n`,
        `  leak:\n    cmd: 'true'\n    params:\n      ${file}:\n        token: x\n`
      )
      const result = await attempt()
      expectRefusedWithoutLeak(
        result,
        /stage 'leak': param \.\.\/outside-\w+\/params\.yaml is refused; \.\.\/outside-\w+\/params\.yaml contains '\.\.' leading outside the project/
      )
      expect(result.error).toBeUndefined()
    } finally {
      restore()
    }
  })

  it('refuses a params.yaml that is a symlink to outside the project (the default vars)', async () => {
    try {
      unlinkSync(path.join(dir, 'params.yaml'))
      symlinkSync(path.join(outside, 'params.yaml'), path.join(dir, 'params.yaml'))
      expectRefusedWithoutLeak(
        await attempt(),
        /^params\.yaml resolves through a symlink to outside the project; it was not read as the default vars of dvc\.yaml/
      )
    } finally {
      restore()
    }
  })

  it('fails on a symlink inside a tracked folder that leads outside, as dvc status does', async () => {
    const link = path.join(dir, 'model', 'leak.txt')
    try {
      symlinkSync(path.join(outside, 'secret.txt'), link)
      const result = await attempt()
      expectRefusedWithoutLeak(
        result,
        /stage 'train': out model is refused \(lock \w+\.dir, workspace \w+\.dir\); not read: leak\.txt \(a symlink leading outside the project\); set allow-external: true/
      )
      const report = await verifyLineage({
        root: dir,
        missingData: 'fail',
        allowExternal: false,
        logger: new MemoryLogger()
      })
      const ours = Object.fromEntries(
        report.stages.filter(s => s.dvcStatus.length > 0).map(s => [s.name, s.dvcStatus])
      )
      const dvc = await reference.status(dir)
      expect(dvc).toEqual({
        train: [{ 'changed outs': { model: 'modified' } }],
        pack: [{ 'changed deps': { model: 'modified' } }]
      })
      expect(ours).toEqual(dvc)
    } finally {
      rmSync(link, { force: true })
    }
  })
})

describe('lineage-check never blocks on a FIFO', () => {
  const mkfifo = (name: string): void => {
    expect(spawnSync('mkfifo', [path.join(dir, name)]).status).toBe(0)
  }

  it('refuses a FIFO named as a dependency without opening it', async () => {
    try {
      mkfifo('pipe')
      addStage(
        `  evil:\n    cmd: cat pipe\n    deps: [pipe]\n`,
        `  evil:\n    cmd: cat pipe\n    deps:\n    - path: pipe\n      hash: md5\n      md5: 0123456789abcdef0123456789abcdef\n`
      )
      const result = await attempt()
      expectRefusedWithoutLeak(
        result,
        /stage 'evil': dep pipe is refused \(lock \w+, workspace -\); pipe is a FIFO \(named pipe\); only regular files and directories are read/
      )
    } finally {
      rmSync(path.join(dir, 'pipe'), { force: true })
      restore()
    }
  })

  it('refuses a FIFO inside a tracked folder, and a FIFO as a params file', async () => {
    try {
      mkfifo('model/pipe')
      mkfifo('p.yaml')
      addStage(
        `  evil:\n    cmd: 'true'\n    params:\n      - p.yaml:\n        - x\n`,
        `  evil:\n    cmd: 'true'\n    params:\n      p.yaml:\n        x: 1\n`
      )
      const result = await attempt()
      expectRefusedWithoutLeak(
        result,
        /out model is refused \(.*?\); not read: pipe \(a FIFO \(named pipe\)\); remove the pipes/
      )
      expect(result.outcome?.problems).toContainEqual(
        expect.stringContaining("stage 'evil': param p.yaml is refused")
      )
    } finally {
      rmSync(path.join(dir, 'model', 'pipe'), { force: true })
      rmSync(path.join(dir, 'p.yaml'), { force: true })
      restore()
    }
  })

  it('refuses dvc.lock itself when it is a FIFO', async () => {
    try {
      unlinkSync(path.join(dir, 'dvc.lock'))
      mkfifo('dvc.lock')
      expectRefusedWithoutLeak(
        await attempt(),
        /^dvc\.lock is a FIFO \(named pipe\); only regular files are read/
      )
    } finally {
      restore()
    }
  })
})

describe('lineage-check parses within bounds', () => {
  it('refuses a 520-byte alias bomb in params.yaml, with file and line', async () => {
    try {
      const bomb = `train:\n  epochs: 3\n${billionLaughs()}`
      expect(bomb.length).toBeLessThanOrEqual(520)
      writeFileSync(path.join(dir, 'params.yaml'), bomb)
      const result = await attempt()
      expectRefusedWithoutLeak(result, /^params\.yaml:9: aliases expand to more than \d+ nodes/)
      expect((result.error as ConfigurationError).location).toEqual({
        file: 'params.yaml',
        line: 9
      })
    } finally {
      restore()
    }
  })

  it('refuses a matrix that expands to millions of stages, before expanding it', async () => {
    try {
      const values = `[${Array.from({ length: 20 }, (_, i) => i).join(', ')}]`
      addStage(
        `  grid:\n    matrix:\n${['a', 'b', 'c', 'd', 'e'].map(k => `      ${k}: ${values}\n`).join('')}    cmd: echo \${item.a}\n`
      )
      const result = await attempt()
      expectRefusedWithoutLeak(
        result,
        /^dvc\.yaml:\d+: stage 'grid': matrix expands to 3200000 stages, more than the 100000 lineage-check expands/
      )
    } finally {
      restore()
    }
  })

  it('refuses a small dvc.lock bomb, with file and line', async () => {
    try {
      const lock = readFileSync(path.join(dir, 'dvc.lock'), 'utf8')
      writeFileSync(
        path.join(dir, 'dvc.lock'),
        `${lock}extra:\n${billionLaughs(9, 'l').replace(/^/gm, '  ')}`
      )
      const result = await attempt()
      expectRefusedWithoutLeak(result, /^dvc\.lock:\d+: aliases expand to more than \d+ nodes/)
    } finally {
      restore()
    }
  })

  it('refuses an md5 in dvc.lock that is not a hash, before it becomes a cache path', async () => {
    try {
      const lock = readFileSync(path.join(dir, 'dvc.lock'), 'utf8')
      const probe = '../../../../../../etc/passwd'
      const changed = lock.replace(
        /(path: model\n\s+hash: md5\n\s+md5: )[0-9a-f]{32}\.dir/,
        `$1${probe}`
      )
      expect(changed).not.toBe(lock)
      writeFileSync(path.join(dir, 'dvc.lock'), changed)
      const line = changed.split('\n').findIndex(l => l.includes(probe)) + 1
      const result = await attempt()
      expectRefusedWithoutLeak(
        result,
        new RegExp(
          `^dvc\\.lock:${line}: stage '\\w+' \\w+ "model" has md5 "\\.\\./\\.\\./.*", which is not 32 hex digits`
        )
      )
      expect((result.error as ConfigurationError).location).toEqual({ file: 'dvc.lock', line })
    } finally {
      restore()
    }
  })
})

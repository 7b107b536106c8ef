// The approved digest of a model folder read straight from S3 (the moto server), against boto3's
// `download_file` of the same objects plus `sha256sum` of the downloaded files, in the same run.
// Target: ours / reference <= 1.2. Peak RSS of the digesting process at two sizes must stay flat.
// Sizes (MiB per file, files): MG_BENCH_STORE_FILE_MIB (512), MG_BENCH_STORE_SMALL_FILE_MIB (64),
// MG_BENCH_STORE_FILES (4): by default 2 GiB and 256 MiB folders. Set them low to run small.
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs'
import path from 'node:path'
import { OUTPUT, PYTHON, ROOT } from '../test/harness/paths.js'
import { startMoto, stopStore } from '../test/harness/stores.js'

const MIB = 1024 * 1024
const files = Number(process.env.MG_BENCH_STORE_FILES ?? 4)
const bigMiB = Number(process.env.MG_BENCH_STORE_FILE_MIB ?? 512)
const smallMiB = Number(process.env.MG_BENCH_STORE_SMALL_FILE_MIB ?? 64)
const runs = Number(process.env.MG_BENCH_STORE_RUNS ?? 1)
const work = path.join(OUTPUT, 'bench', 'store-digest')
const tsx = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs')

/** Incompressible bytes without paying for 2 GiB of randomness: 1 MiB random blocks, salted. */
function makeFolder(dir: string, mib: number): void {
  mkdirSync(dir, { recursive: true })
  const block = randomBytes(MIB)
  for (let f = 0; f < files; f++) {
    const fd = openSync(path.join(dir, `shard-${f}.bin`), 'w')
    for (let i = 0; i < mib; i++) {
      block.writeUInt32LE(f * 1_000_003 + i, 0)
      writeSync(fd, block)
    }
    closeSync(fd)
  }
}

function python(script: string, args: string[], env: NodeJS.ProcessEnv): string {
  const result = spawnSync(PYTHON, [path.join(ROOT, 'bench', 'reference', script), ...args], {
    env,
    encoding: 'utf8',
    maxBuffer: 16 * MIB
  })
  if (result.status !== 0) throw new Error(`${script}: ${result.stderr.slice(-2000)}`)
  return result.stdout
}

interface Ours {
  ms: number
  maxRssMiB: number
  files: Record<string, string>
}

function ours(uri: string, env: NodeJS.ProcessEnv, serial = false): Ours {
  const result = spawnSync(
    process.execPath,
    [tsx, path.join(ROOT, 'bench', 'reference', 'store-digest-child.ts'), uri],
    {
      env: { ...env, ...(serial ? { MG_BENCH_STORE_SERIAL: '1' } : {}) },
      encoding: 'utf8'
    }
  )
  if (result.status !== 0) throw new Error(`digest child: ${result.stderr.slice(-2000)}`)
  return JSON.parse(result.stdout) as Ours
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0

const store = await startMoto(`bench-${Date.now().toString(36)}`)
const env = { ...process.env, ...store.env }
try {
  const bucket = 'mg-bench'
  const results: string[] = []
  for (const [label, mib] of [
    ['small', smallMiB],
    ['large', bigMiB]
  ] as const) {
    const source = path.join(work, `${label}-source`)
    rmSync(work, { recursive: true, force: true })
    makeFolder(source, mib)
    python('s3_upload.py', [bucket, `${label}/`, source], env)
    rmSync(source, { recursive: true, force: true })
    const ref: number[] = []
    const mine: number[] = []
    const serial: number[] = []
    let rss = 0
    for (let r = 0; r < runs; r++) {
      const target = path.join(work, `${label}-download`)
      const reference = JSON.parse(
        python('boto3_download.py', [bucket, `${label}/`, target], env)
      ) as {
        download_ms: number
        sha256sum_ms: number
        files: Record<string, string>
      }
      rmSync(target, { recursive: true, force: true })
      ref.push(reference.download_ms + reference.sha256sum_ms)
      const o = ours(`s3://${bucket}/${label}`, env)
      const s = ours(`s3://${bucket}/${label}`, env, true)
      // The bench is only worth its numbers if both sides saw the same bytes.
      if (JSON.stringify(o.files) !== JSON.stringify(reference.files))
        throw new Error(
          `the digests differ from sha256sum's: ${JSON.stringify({ o: o.files, ref: reference.files })}`
        )
      mine.push(o.ms)
      serial.push(s.ms)
      rss = Math.max(rss, o.maxRssMiB, s.maxRssMiB)
    }
    const line =
      `${label}: ${files} x ${mib} MiB = ${(files * mib) / 1024} GiB; boto3 download_file + sha256sum ${median(ref).toFixed(0)} ms; ` +
      `digest (ranged) ${median(mine).toFixed(0)} ms, ratio ${(median(mine) / median(ref)).toFixed(2)} (target <= 1.2); ` +
      `digest (one GET per file) ${median(serial).toFixed(0)} ms, ratio ${(median(serial) / median(ref)).toFixed(2)}; ` +
      `peak RSS ${rss.toFixed(0)} MiB`
    console.log(line)
    results.push(line)
  }
  console.log('RSS flat when the two peak RSS values above are within a few MiB of each other.')
} finally {
  await stopStore(store)
  rmSync(work, { recursive: true, force: true })
}

// Where the time of benchmark (a) goes, one part at a time on one thread, for the tree given:
// the walk (readdir), the per-file system calls without hashing (open, fstat, read, close),
// md5 of the same bytes already in memory (the work md5sum does too), and Node's own start-up
// and one worker's start-up. lineage-check cannot go below start-up + (syscalls + md5) / threads.
// Usage: node floor-parts.mjs <dir>
import { spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { Worker } from 'node:worker_threads'

const ms = start => Number(process.hrtime.bigint() - start) / 1e6
const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

function walk(root) {
  const files = []
  const pending = [root]
  while (pending.length > 0) {
    const dir = pending.pop()
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) pending.push(path.join(dir, e.name))
      else if (e.isFile()) files.push(path.join(dir, e.name))
    }
  }
  return files
}

const root = process.argv[2]
const runs = 5
const parts = { walk: [], syscalls: [], md5: [], nodeStart: [], workerStart: [] }
const buffer = Buffer.allocUnsafe(64 * 1024)
let files = []
let contents = []
for (let r = 0; r < runs; r++) {
  let t = process.hrtime.bigint()
  files = walk(root)
  parts.walk.push(ms(t))
  t = process.hrtime.bigint()
  for (const f of files) {
    const fd = fs.openSync(f, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK)
    fs.fstatSync(fd)
    const n = fs.readSync(fd, buffer, 0, buffer.length, null)
    fs.closeSync(fd)
    if (r === 0) contents.push(Buffer.from(buffer.subarray(0, n)))
  }
  parts.syscalls.push(ms(t))
  t = process.hrtime.bigint()
  for (const c of contents) crypto.hash('md5', c)
  parts.md5.push(ms(t))
  t = process.hrtime.bigint()
  spawnSync(process.execPath, ['-e', '0'])
  parts.nodeStart.push(ms(t))
  t = process.hrtime.bigint()
  const w = new Worker('require("node:worker_threads").parentPort.postMessage(0)', { eval: true })
  await new Promise(resolve => w.once('message', resolve))
  parts.workerStart.push(ms(t))
  await w.terminate()
}
const bytes = contents.reduce((n, c) => n + c.length, 0)
const out = Object.fromEntries(
  Object.entries(parts).map(([k, v]) => [k, Number(median(v).toFixed(1))])
)
console.log(JSON.stringify({ files: files.length, bytes, medianMs: out }))
console.log(
  `per file: syscalls ${((out.syscalls / files.length) * 1000).toFixed(1)} us, md5 ${((out.md5 / files.length) * 1000).toFixed(1)} us (${(bytes / 1e6 / (out.md5 / 1000)).toFixed(0)} MB/s); walk ${out.walk} ms, node start-up ${out.nodeStart} ms, worker start-up ${out.workerStart} ms`
)

// The floor for benchmark (a): the least a Node process can do to md5 every file of a tree,
// with no DVC rules, no manifest, no git and no bundle. One thread per core (this one and
// workers), files claimed from a shared counter, as lineage-check does. Prints the file count.
// Usage: node bare-hash.mjs <dir>
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Worker } from 'node:worker_threads'

function hashAll(fs, crypto, files, counter) {
  const buffer = Buffer.allocUnsafe(1024 * 1024)
  const next = new Int32Array(counter)
  let n = 0
  for (let i = Atomics.add(next, 0, 1); i < files.length; i = Atomics.add(next, 0, 1)) {
    const fd = fs.openSync(files[i], 'r')
    const hash = crypto.createHash('md5')
    for (;;) {
      const read = fs.readSync(fd, buffer, 0, buffer.length, null)
      if (read === 0) break
      hash.update(buffer.subarray(0, read))
    }
    hash.digest('hex')
    fs.closeSync(fd)
    n++
  }
  return n
}

const source = `
const { parentPort } = require('node:worker_threads')
const hashAll = ${hashAll.toString()}
parentPort.on('message', ({ files, counter }) =>
  parentPort.postMessage(hashAll(require('node:fs'), require('node:crypto'), files, counter)))
`
const workers = Array.from(
  { length: Math.max(1, os.availableParallelism()) - 1 },
  () => new Worker(source, { eval: true })
)
const files = []
const pending = [process.argv[2]]
while (pending.length > 0) {
  const dir = pending.pop()
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) pending.push(path.join(dir, entry.name))
    else if (entry.isFile()) files.push(path.join(dir, entry.name))
  }
}
const counter = new SharedArrayBuffer(4)
const replies = workers.map(
  w =>
    new Promise(resolve => {
      w.once('message', resolve)
      w.postMessage({ files, counter })
    })
)
const mine = hashAll(fs, crypto, files, counter)
const theirs = await Promise.all(replies)
await Promise.all(workers.map(w => w.terminate()))
console.log(mine + theirs.reduce((a, b) => a + b, 0))

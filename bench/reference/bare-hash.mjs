// The floor for benchmark (a): the least a Node process can do to md5 every file of a tree,
// with no DVC rules, no manifest, no git and no bundle. One thread per core (this one and
// workers), files claimed from a shared counter, as lineage-check does. Prints the file count.
// Usage: node bare-hash.mjs <dir> [--one-shot]
// --one-shot: a file smaller than the read buffer is read once (its size known from fstat) and
// hashed with crypto.hash (Node >= 20.12), without a Hash object; larger ones as before.
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Worker } from 'node:worker_threads'

function hashAll(fs, crypto, files, counter, oneShot) {
  const buffer = Buffer.allocUnsafe(oneShot ? 64 * 1024 : 1024 * 1024)
  const next = new Int32Array(counter)
  let n = 0
  for (let i = Atomics.add(next, 0, 1); i < files.length; i = Atomics.add(next, 0, 1)) {
    const fd = fs.openSync(files[i], 'r')
    if (oneShot) {
      const size = fs.fstatSync(fd).size
      if (size < buffer.length) {
        const read = fs.readSync(fd, buffer, 0, buffer.length, null)
        crypto.hash('md5', buffer.subarray(0, read))
        fs.closeSync(fd)
        n++
        continue
      }
    }
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
parentPort.on('message', ({ files, counter, oneShot }) =>
  parentPort.postMessage(hashAll(require('node:fs'), require('node:crypto'), files, counter, oneShot)))
`
const workers = Array.from(
  { length: Math.max(1, os.availableParallelism()) - 1 },
  () => new Worker(source, { eval: true })
)
const oneShot = process.argv.includes('--one-shot')
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
      w.postMessage({ files, counter, oneShot })
    })
)
const mine = hashAll(fs, crypto, files, counter, oneShot)
const theirs = await Promise.all(replies)
await Promise.all(workers.map(w => w.terminate()))
console.log(mine + theirs.reduce((a, b) => a + b, 0))

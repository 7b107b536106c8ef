// Starts the demo's MLflow tracking server (SQLite in the demo folder, or the database named by
// MLFLOW_BACKEND_STORE_URI) in its own process group, so stopping the demo stops all of it.
/* global fetch, setTimeout */
import { spawn } from 'node:child_process'
import { openSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

export async function startMlflow({ python, dir, timeoutMs = 180_000 }) {
  const port = await freePort()
  const backend = process.env.MLFLOW_BACKEND_STORE_URI || `sqlite:///${path.join(dir, 'mlflow.db')}`
  const log = path.join(dir, 'mlflow-server.log')
  const fd = openSync(log, 'a')
  const child = spawn(
    python,
    [
      '-m',
      'mlflow',
      'server',
      '--backend-store-uri',
      backend,
      '--artifacts-destination',
      path.join(dir, 'artifacts'),
      '--serve-artifacts',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--workers',
      '1'
    ],
    {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { ...process.env, MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false' }
    }
  )
  const uri = `http://127.0.0.1:${port}`
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM')
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`the MLflow server exited (code ${child.exitCode}); see ${log}`)
    try {
      const res = await fetch(`${uri}/health`)
      if (res.ok) break
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      stop()
      throw new Error(`the MLflow server did not answer within ${timeoutMs / 1000} s; see ${log}`)
    }
    await new Promise(r => setTimeout(r, 500))
  }
  return { uri, backend: backend.split(':')[0], pid: child.pid, stop, child }
}

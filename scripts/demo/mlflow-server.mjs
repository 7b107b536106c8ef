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
  const exited = new Promise(resolve => child.once('exit', resolve))
  const signalGroup = signal => {
    try {
      process.kill(-child.pid, signal)
    } catch {
      // already gone
    }
  }
  // The server is a process group (gunicorn/uvicorn workers); it is stopped as one, and killed
  // when it has not exited 10 s after SIGTERM, so the demo never leaves it running.
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    signalGroup('SIGTERM')
    const timer = new Promise(resolve => setTimeout(() => resolve('timeout'), 10_000))
    if ((await Promise.race([exited, timer])) === 'timeout') signalGroup('SIGKILL')
    else signalGroup('SIGKILL') // workers that outlived the server process
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
      await stop()
      throw new Error(`the MLflow server did not answer within ${timeoutMs / 1000} s; see ${log}`)
    }
    await new Promise(r => setTimeout(r, 500))
  }
  return { uri, backend: backend.split(':')[0], pid: child.pid, stop, child }
}

import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { OUTPUT, PYTHON, ROOT } from './paths.js'

/** What the harness started; written to test-output/harness.json for the test files. */
export interface ServerInfo {
  uri: string
  pid: number
  backend: 'postgresql' | 'sqlite'
  backendUri: string
  log: string
}

export interface AuthServerInfo extends ServerInfo {
  admin: { username: string; password: string }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/**
 * Creates a fresh PostgreSQL database on the local server (trust auth, user postgres) through
 * psycopg2 from the venv, so no psql client is needed. Undefined when PostgreSQL is not there.
 */
export function createPostgresDatabase(name: string): string | undefined {
  const host = process.env.MG_TEST_PGHOST ?? '127.0.0.1'
  const port = process.env.MG_TEST_PGPORT ?? '5432'
  const user = process.env.MG_TEST_PGUSER ?? 'postgres'
  const script = [
    'import sys, psycopg2',
    `c = psycopg2.connect(host=${JSON.stringify(host)}, port=${port}, user=${JSON.stringify(user)}, dbname="postgres", connect_timeout=5)`,
    'c.autocommit = True',
    'cur = c.cursor()',
    `cur.execute('DROP DATABASE IF EXISTS "${name}"')`,
    `cur.execute('CREATE DATABASE "${name}"')`
  ].join('\n')
  const result = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8', timeout: 30_000 })
  if (result.status !== 0) return undefined
  // SQLAlchemy 2.1 maps plain postgresql:// to psycopg 3; the venv has psycopg2.
  return `postgresql+psycopg2://${user}@${host}:${port}/${name}`
}

/** Drops the databases of earlier runs that were not torn down (killed sessions). */
export function dropStaleDatabases(prefix: string): void {
  const script = [
    'import os, re, psycopg2',
    // Names embed the pid of the jest run that made them (mg_test_<time>_<pid>_...). A database
    // of another run that is still alive is in use (engineers and CI jobs share one PostgreSQL),
    // so only the databases of dead runs, and this run's own, are dropped.
    'def alive(n):',
    '    m = re.match(r"mg_test_[0-9a-z]+_(\\d+)_", n)',
    '    if not m or int(m.group(1)) == os.getppid(): return False',
    '    try: os.kill(int(m.group(1)), 0); return True',
    '    except PermissionError: return True',
    '    except OSError: return False',
    'c = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres", connect_timeout=5)',
    'c.autocommit = True',
    'cur = c.cursor()',
    `cur.execute("SELECT datname FROM pg_database WHERE datname LIKE '${prefix}%'")`,
    'for (n,) in cur.fetchall():',
    '    if alive(n): continue',
    '    try: cur.execute(\'DROP DATABASE "%s" WITH (FORCE)\' % n)',
    '    except Exception: pass'
  ].join('\n')
  spawnSync(PYTHON, ['-c', script], { encoding: 'utf8', timeout: 30_000 })
}

async function waitForHealth(
  uri: string,
  pid: number,
  log: string,
  timeoutMs: number
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0)
    } catch {
      throw new Error(`MLflow server exited during start-up; see ${log}`)
    }
    try {
      const response = await fetch(`${uri}/health`, { signal: AbortSignal.timeout(2000) })
      if (response.ok) return
    } catch {
      // not up yet
    }
    await new Promise(resolve => setTimeout(resolve, 500))
  }
  throw new Error(
    `MLflow server at ${uri} was not healthy within ${timeoutMs / 1000} s; see ${log}`
  )
}

export interface StartOptions {
  name: string
  basicAuth?: boolean
  runId: string
  /** Reuse a backend (e.g. when restarting a server on the same store). */
  backendUri?: string
  port?: number
  /** More environment for the server (a store's endpoint and credentials). */
  env?: Record<string, string>
  /**
   * Where artifacts go: by default the server proxies a local folder. `defaultArtifactRoot`
   * gives runs the store's own URIs (--no-serve-artifacts); `artifactsDestination` proxies a store.
   */
  artifacts?: { defaultArtifactRoot: string } | { artifactsDestination: string }
}

/**
 * Starts `mlflow server` in its own process group (uvicorn forks workers) so teardown can stop
 * exactly what it started. One worker: two servers on a 2-core machine share it with the tests.
 */
export async function startMlflowServer(
  options: StartOptions
): Promise<ServerInfo & Partial<AuthServerInfo>> {
  // One folder per jest run: two runs starting together must not share an auth ini or store.
  const dir = path.join(OUTPUT, 'servers', options.runId, options.name)
  mkdirSync(dir, { recursive: true })
  const log = path.join(dir, 'server.log')
  let backendUri = options.backendUri
  let backend: 'postgresql' | 'sqlite' = backendUri?.startsWith('postgresql')
    ? 'postgresql'
    : 'sqlite'
  if (!backendUri) {
    backendUri = createPostgresDatabase(
      `mg_test_${options.runId}_${options.name.replace(/-/g, '_')}`
    )
    backend = 'postgresql'
    if (!backendUri) {
      backend = 'sqlite'
      backendUri = `sqlite:///${path.join(dir, 'mlflow.db')}`
      console.warn(
        `[harness] NOTICE: PostgreSQL is not reachable at 127.0.0.1:5432; the ${options.name} MLflow ` +
          'server uses a SQLite backend instead. Tests still run, but not against PostgreSQL.'
      )
    }
  }
  const port = options.port ?? (await freePort())
  const uri = `http://127.0.0.1:${port}`
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MLFLOW_TRACKING_URI: undefined,
    // MLflow 3.17 starts a job runner with several ~190 MB consumers per server; the suite
    // runs no server-side jobs, and two servers on a 2-core test machine cannot afford them.
    MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false',
    ...options.env
  }
  const artifacts =
    options.artifacts && 'defaultArtifactRoot' in options.artifacts
      ? ['--default-artifact-root', options.artifacts.defaultArtifactRoot, '--no-serve-artifacts']
      : [
          '--artifacts-destination',
          options.artifacts?.artifactsDestination ?? path.join(dir, 'artifacts'),
          '--serve-artifacts'
        ]
  const args = [
    '-m',
    'mlflow',
    'server',
    '--backend-store-uri',
    backendUri,
    ...artifacts,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--workers',
    '1'
  ]
  let admin: { username: string; password: string } | undefined
  if (options.basicAuth) {
    admin = { username: 'admin', password: `adm-${randomBytes(12).toString('hex')}` }
    const ini = path.join(dir, 'basic_auth.ini')
    writeFileSync(
      ini,
      [
        '[mlflow]',
        'default_permission = READ',
        `database_uri = sqlite:///${path.join(dir, `basic_auth_${options.runId}.db`)}`,
        `admin_username = ${admin.username}`,
        `admin_password = ${admin.password}`,
        'authorization_function = mlflow.server.auth:authenticate_request_basic_auth',
        // MLflow's credential cache (off by default): a password that passed is not checked
        // again for 10 minutes. Without it every request paid scrypt, about 0.6 s of the
        // server's single worker on 2 cores (1.2 s under load), which made the basic-auth files
        // the slowest MLflow tests and their budgets tight. Only successful checks are cached:
        // a wrong password is still refused on every request, and permissions are still
        // checked per request. No test changes or deletes a user.
        'auth_cache_ttl_seconds = 600',
        ''
      ].join('\n')
    )
    env.MLFLOW_AUTH_CONFIG_PATH = ini
    env.MLFLOW_FLASK_SERVER_SECRET_KEY = randomBytes(24).toString('hex')
    args.push('--app-name', 'basic-auth')
  }
  const out = openSync(log, 'a')
  const child = spawn(PYTHON, args, { env, detached: true, stdio: ['ignore', out, out] })
  child.unref()
  const pid = child.pid
  if (pid === undefined) throw new Error(`could not start the ${options.name} MLflow server`)
  try {
    await waitForHealth(uri, pid, log, 180_000)
  } catch (error) {
    // A server that never became healthy is stopped here: its caller has no pid to stop.
    await stopProcessGroup(pid)
    throw error
  }
  return { uri, pid, backend, backendUri, log, ...(admin ? { admin } : {}) }
}

/** Stops a process group the harness started, by pid; never anything else. */
export async function stopProcessGroup(pid: number): Promise<void> {
  const alive = (): boolean => {
    try {
      process.kill(-pid, 0)
      return true
    } catch {
      return false
    }
  }
  if (!alive()) return
  try {
    process.kill(-pid, 'SIGTERM')
  } catch {
    return
  }
  for (let i = 0; i < 50 && alive(); i++) await new Promise(r => setTimeout(r, 100))
  if (alive()) {
    try {
      process.kill(-pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
}

/** The fork server of test/python/warm.py: its socket, and its process group for teardown. */
export interface WarmPython {
  socket: string
  pid: number
  log: string
}

/**
 * Starts test/python/warm.py, which imports MLflow once and forks a child per script call
 * (test/harness/python.ts), and waits until its socket listens. The socket lives in the system's
 * temporary folder: a Unix socket's path must stay under 108 bytes, whatever the checkout's path.
 */
export async function startWarmPython(runId: string): Promise<WarmPython> {
  const dir = path.join(OUTPUT, 'servers', runId, 'warm-python')
  mkdirSync(dir, { recursive: true })
  const log = path.join(dir, 'warm.log')
  const socket = path.join(os.tmpdir(), `mg-warm-${runId}.sock`)
  const out = openSync(log, 'a')
  const child = spawn(PYTHON, [path.join(ROOT, 'test', 'python', 'warm.py'), 'serve', socket], {
    env: { ...process.env, DVC_NO_ANALYTICS: '1' },
    detached: true,
    stdio: ['ignore', out, out]
  })
  child.unref()
  const pid = child.pid
  if (pid === undefined) throw new Error('could not start test/python/warm.py')
  // The import takes seconds, ten or more on a busy machine; the MLflow servers start meanwhile.
  const deadline = Date.now() + 180_000
  while (!existsSync(socket)) {
    try {
      process.kill(pid, 0)
    } catch {
      throw new Error(`test/python/warm.py exited during start-up; see ${log}`)
    }
    if (Date.now() > deadline)
      throw new Error(`test/python/warm.py did not listen within 180 s; see ${log}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  return { socket, pid, log }
}

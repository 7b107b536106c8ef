import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync, chmodSync } from 'node:fs'
import path from 'node:path'
import { OUTPUT } from '../../harness/paths.js'

/** Real git repositories for the audit-log tests: a bare remote and clones standing in for runners. */
const IDENTITY = [
  '-c',
  'user.name=fixture',
  '-c',
  'user.email=fixture@example.com',
  '-c',
  'init.defaultBranch=main'
]

export function git(cwd: string, args: string[], input?: string): string {
  return execFileSync('git', [...IDENTITY, ...args], {
    cwd,
    encoding: 'utf8',
    input,
    stdio: ['pipe', 'pipe', 'pipe']
  })
}

export function scratch(prefix: string): string {
  mkdirSync(path.join(OUTPUT, 'audit-log'), { recursive: true })
  return mkdtempSync(path.join(OUTPUT, 'audit-log', `${prefix}-`))
}

/** A bare remote whose main branch holds a README (and `files`, if given) in one commit. */
export function makeRemote(root: string, files: Record<string, string | Buffer> = {}): string {
  const remote = path.join(root, 'remote.git')
  git(root, ['init', '--quiet', '--bare', '-b', 'main', remote])
  const seedDir = path.join(root, 'seed')
  git(root, ['clone', '--quiet', remote, seedDir])
  writeFileSync(path.join(seedDir, 'README.md'), '# fixture\n')
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(seedDir, name)), { recursive: true })
    writeFileSync(path.join(seedDir, name), content)
  }
  git(seedDir, ['add', '-A'])
  git(seedDir, ['commit', '--quiet', '-m', 'initial'])
  git(seedDir, ['push', '--quiet', 'origin', 'main'])
  return remote
}

export function clone(remote: string, dir: string): string {
  git(path.dirname(dir), ['clone', '--quiet', remote, dir])
  return dir
}

export function remoteFile(remote: string, branch: string, file: string): string {
  return git(remote, ['show', `${branch}:${file}`])
}

export function remoteHead(remote: string, branch: string): string {
  return git(remote, ['rev-parse', `refs/heads/${branch}`]).trim()
}

/** Commits `content` as `file` on the remote's branch directly (another writer, or a tamperer). */
export function pushFile(
  remote: string,
  branch: string,
  file: string,
  content: string | Buffer,
  message = 'edit'
): string {
  const dir = mkdtempSync(path.join(path.dirname(remote), 'editor-'))
  git(path.dirname(remote), ['clone', '--quiet', '--branch', branch, remote, dir])
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
  writeFileSync(path.join(dir, file), content)
  git(dir, ['add', '-A'])
  git(dir, ['commit', '--quiet', '-m', message])
  git(dir, ['push', '--quiet', 'origin', branch])
  return git(dir, ['rev-parse', 'HEAD']).trim()
}

/** Installs a pre-receive hook that prints `message` and refuses every push. */
export function rejectPushes(remote: string, message: string): void {
  const hook = path.join(remote, 'hooks', 'pre-receive')
  writeFileSync(hook, `#!/bin/sh\necho "${message}" >&2\nexit 1\n`)
  chmodSync(hook, 0o755)
}

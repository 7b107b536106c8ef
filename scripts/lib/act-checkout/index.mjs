// See action.yml. No dependencies: it runs under act on the host's Node.
import { execFileSync } from 'node:child_process'
import { appendFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import path from 'node:path'

const input = name => (process.env[`INPUT_${name.toUpperCase()}`] ?? '').trim()
const git = (args, cwd) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim()

const workspace = process.env.GITHUB_WORKSPACE
const target = path.resolve(workspace, input('path') || '.')
if (path.relative(workspace, target).startsWith('..'))
  throw new Error(`path ${input('path')} is outside the workspace`)
const url = `${process.env.GITHUB_SERVER_URL}/${process.env.GITHUB_REPOSITORY}`
// The real action's default: the event's ref (and GITHUB_SHA for it).
const ref = input('ref') || process.env.GITHUB_SHA

// A clean folder, as a fresh runner has: everything in it goes, except, for the workspace
// root, the nested checkouts of other steps that live inside it.
mkdirSync(target, { recursive: true })
for (const entry of readdirSync(target)) {
  if (target === path.resolve(workspace) && entry === '.model-governance') continue
  rmSync(path.join(target, entry), { recursive: true, force: true })
}
git(['init', '-q'], target)
git(['remote', 'add', 'origin', url], target)
const spec = /^[0-9a-f]{40}$/.test(ref) ? ref : ref.replace(/^refs\/heads\//, '')
git(['fetch', '-q', '--no-tags', 'origin', spec], target)
git(['checkout', '-q', '--detach', 'FETCH_HEAD'], target)
// fetch-depth: 0 is the whole history, as the real action fetches it: every branch as a
// remote-tracking ref (origin/main, …) and every tag.
if (input('fetch-depth') === '0')
  git(
    ['fetch', '-q', 'origin', '+refs/heads/*:refs/remotes/origin/*', '+refs/tags/*:refs/tags/*'],
    target
  )
if (!/^[0-9a-f]{40}$/.test(ref) && !ref.startsWith('refs/'))
  git(['checkout', '-q', '-B', ref], target)
const commit = git(['rev-parse', 'HEAD'], target)
appendFileSync(process.env.GITHUB_OUTPUT, `ref=${ref}\ncommit=${commit}\n`)
console.log(
  `Checked out ${url} at ${ref} (${commit}) into ${path.relative(workspace, target) || '.'}`
)

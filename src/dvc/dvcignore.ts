import path from 'node:path'
import { guardPath, guardRoot, requireAccepted, type GuardRoot } from '../files/paths.js'
import { readAcceptedSync } from '../files/read.js'

/**
 * `.dvcignore` with gitignore semantics (DVC uses pathspec's GitWildMatchPattern). `.git`,
 * `.hg` and `.dvc` are ignored at every depth whatever the files say.
 */
interface Rule {
  regex: RegExp
  negate: boolean
  dirOnly: boolean
}

export const ALWAYS_IGNORED: ReadonlySet<string> = new Set(['.git', '.hg', '.dvc'])

function escapeRegex(ch: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(ch) ? `\\${ch}` : ch
}

/** One gitignore line to a rule matching a path relative to the .dvcignore's directory. */
export function compileRule(line: string): Rule | undefined {
  let text = line.replace(/(?<!\\)\s+$/, '')
  if (text === '' || text.startsWith('#')) return undefined
  let negate = false
  if (text.startsWith('!')) {
    negate = true
    text = text.slice(1)
  } else if (text.startsWith('\\!') || text.startsWith('\\#')) {
    text = text.slice(1)
  }
  let dirOnly = false
  if (text.endsWith('/')) {
    dirOnly = true
    text = text.slice(0, -1)
  }
  if (text === '') return undefined
  const anchored = text.includes('/')
  if (text.startsWith('/')) text = text.slice(1)
  let re = ''
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (ch === '*') {
      if (text[i + 1] === '*') {
        const atStart = i === 0 || text[i - 1] === '/'
        const atEnd = i + 2 === text.length || text[i + 2] === '/'
        if (atStart && atEnd) {
          if (i + 2 === text.length) re += '.*'
          else {
            re += '(?:.*/)?'
            i += 1
          }
          i += 1
          continue
        }
      }
      re += '[^/]*'
    } else if (ch === '?') re += '[^/]'
    else if (ch === '[') {
      const close = text.indexOf(']', i + 2)
      if (close < 0) re += '\\['
      else {
        let cls = text.slice(i + 1, close)
        if (cls.startsWith('!')) cls = `^${cls.slice(1)}`
        re += `[${cls.replace(/\\/g, '\\\\')}]`
        i = close
      }
    } else if (ch === '\\' && i + 1 < text.length) {
      re += escapeRegex(text[i + 1]!)
      i++
    } else re += escapeRegex(ch)
  }
  const prefix = anchored ? '^' : '^(?:.*/)?'
  return { regex: new RegExp(`${prefix}${re}(?:/.*)?$`, 'u'), negate, dirOnly }
}

export class DvcIgnore {
  private readonly cache = new Map<string, Rule[]>()
  private readonly base: GuardRoot

  /** `fileName`: `.gitignore` reads git's ignore files with the same (gitwildmatch) rules. */
  constructor(
    root: string,
    private readonly fileName = '.dvcignore'
  ) {
    this.base = guardRoot(root)
  }

  /** Rules of the .dvcignore in a directory (relative to root, '' for root). */
  private rulesIn(dirRel: string): Rule[] {
    let rules = this.cache.get(dirRel)
    if (!rules) {
      const display = path.posix.join(dirRel || '.', this.fileName)
      // A directory outside the project (an external path read with allow-external) has no
      // .dvcignore of the project's; a .dvcignore inside that leads outside is refused.
      const bytes = guardPath(this.base, dirRel || '.', { allowExternal: false }).ok
        ? readAcceptedSync(
            requireAccepted(guardPath(this.base, display, { allowExternal: false }), display),
            { display }
          )
        : undefined
      rules = bytes
        ? bytes
            .toString('utf8')
            .split(/\r?\n/)
            .map(compileRule)
            .filter((r): r is Rule => r !== undefined)
        : []
      this.cache.set(dirRel, rules)
    }
    return rules
  }

  /**
   * Whether any .dvcignore rule can apply to entries of this directory (relative to root): a
   * .dvcignore in it or in a directory above it.
   */
  hasRulesFor(dirRel: string): boolean {
    if (this.rulesIn('').length > 0) return true
    if (dirRel === '') return false
    const parts = dirRel.split('/')
    for (let depth = 1; depth <= parts.length; depth++)
      if (this.rulesIn(parts.slice(0, depth).join('/')).length > 0) return true
    return false
  }

  /** Whether one path (relative to root, '/'-separated) is ignored, given its own type only. */
  private matchesSelf(rel: string, isDir: boolean): boolean {
    const parts = rel.split('/')
    if (parts.some(p => ALWAYS_IGNORED.has(p))) return true
    let ignored = false
    for (let depth = 0; depth < parts.length; depth++) {
      const base = parts.slice(0, depth).join('/')
      const sub = parts.slice(depth).join('/')
      for (const rule of this.rulesIn(base)) {
        if (rule.dirOnly && !isDir && !sub.includes('/')) continue
        if (rule.regex.test(sub)) ignored = !rule.negate
      }
    }
    return ignored
  }

  /** A path is ignored if it or any directory above it is. */
  isIgnored(rel: string, isDir: boolean): boolean {
    const parts = rel.split('/')
    for (let i = 1; i < parts.length; i++) {
      if (this.matchesSelf(parts.slice(0, i).join('/'), true)) return true
    }
    return this.matchesSelf(rel, isDir)
  }

  /** For the walker, which has already checked the parents: only this entry. */
  isEntryIgnored(rel: string, isDir: boolean): boolean {
    return this.matchesSelf(rel, isDir)
  }
}

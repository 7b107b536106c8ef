/**
 * Line numbers of stages and entries in dvc.lock, so each mismatch can be annotated on its own
 * line. DVC writes the lock with a fixed layout (ruamel, 2-space indent), which this follows;
 * an entry it cannot place falls back to its stage's line.
 */
export interface LockLines {
  stage(name: string): number | undefined
  entry(stage: string, section: 'deps' | 'outs', path: string): number | undefined
  param(stage: string, file: string, key: string): number | undefined
}

function unquote(text: string): string {
  const t = text.trim()
  if ((t.startsWith("'") && t.endsWith("'")) || (t.startsWith('"') && t.endsWith('"')))
    return t.slice(1, -1).replace(/''/g, "'")
  return t
}

export function indexLockLines(text: string): LockLines {
  const stages = new Map<string, number>()
  const entries = new Map<string, number>()
  const params = new Map<string, number>()
  let stage: string | undefined
  let section: string | undefined
  let paramFile: string | undefined
  text.split('\n').forEach((raw, i) => {
    const line = i + 1
    const indent = raw.length - raw.trimStart().length
    const body = raw.trim()
    if (body === '' || body.startsWith('#')) return
    if (indent === 2 && body.endsWith(':')) {
      stage = unquote(body.slice(0, -1))
      stages.set(stage, line)
      section = undefined
      return
    }
    if (!stage) return
    if (indent === 4 && /^(deps|outs|params|cmd):/.test(body)) {
      section = body.split(':')[0]
      return
    }
    const pathMatch = /^- path: (.*)$/.exec(body)
    if (pathMatch && (section === 'deps' || section === 'outs')) {
      entries.set(`${stage}\0${section}\0${unquote(pathMatch[1]!)}`, line)
      return
    }
    if (section === 'params') {
      if (indent === 6 && body.endsWith(':')) paramFile = unquote(body.slice(0, -1))
      else if (indent === 8 && paramFile) {
        const key = unquote(body.split(/:(?: |$)/)[0]!)
        params.set(`${stage}\0${paramFile}\0${key}`, line)
      }
    }
  })
  return {
    stage: name => stages.get(name),
    entry: (s, sec, p) => entries.get(`${s}\0${sec}\0${p}`) ?? stages.get(s),
    param: (s, f, k) => params.get(`${s}\0${f}\0${k}`) ?? stages.get(s)
  }
}

/**
 * The same for a `.dvc` file (`outs:`/`deps:` at the top level, `path:` anywhere in its entry,
 * usually last): an entry's line is the line of its `- `.
 */
export function indexDvcFileLines(text: string): LockLines {
  const entries = new Map<string, number>()
  let section: string | undefined
  let start: number | undefined
  text.split('\n').forEach((raw, i) => {
    const indent = raw.length - raw.trimStart().length
    const body = raw.trim()
    if (body === '' || body.startsWith('#')) return
    if (indent === 0 && !body.startsWith('- ')) {
      section = /^(deps|outs):/.test(body) ? body.split(':')[0] : undefined
      start = undefined
      return
    }
    if (!section) return
    if (body.startsWith('- ') && indent <= 2) start = i + 1
    const pathMatch = /^(?:- )?path: (.*)$/.exec(body)
    if (pathMatch && start !== undefined)
      entries.set(`${section}\0${unquote(pathMatch[1]!)}`, start)
  })
  return {
    stage: () => 1,
    entry: (_s, sec, p) => entries.get(`${sec}\0${p}`) ?? 1,
    param: () => 1
  }
}

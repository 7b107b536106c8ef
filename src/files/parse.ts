import yaml from 'js-yaml'
import { parse as parseToml } from 'smol-toml'
import { ConfigurationError } from '../core/errors.js'
import { MAX_FILE_BYTES } from './read.js'

/**
 * Bounded parsing of untrusted YAML, JSON and TOML. Every parser here has three caps, each a
 * ConfigurationError with file and line: size (MAX_FILE_BYTES), nesting depth (MAX_DEPTH) and,
 * for YAML, alias expansion. js-yaml builds aliases as shared references, so parsing a
 * "billion laughs" document is cheap; what blows up is everything after it (interpolation,
 * deep copies, zod, JSON.stringify), which sees the expanded tree. So the expanded size is
 * measured while parsing: each collection's weight is computed once, when js-yaml closes it,
 * from its children's weights, and parsing stops as soon as one exceeds the budget.
 */

/** Deeper than any DVC, metrics or policy file needs; recursive code downstream stays safe. */
export const MAX_DEPTH = 100

/**
 * Expanded-size budget, in weight units: one per node, plus one per 64 characters of each
 * string or key. An alias-free document weighs less than its length, so only expansion can
 * reach this; it bounds what downstream code may build to a few times the largest file.
 */
export function expansionBudget(textLength: number): number {
  return 1_000_000 + textLength
}

export function checkSize(text: string, display: string): void {
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > MAX_FILE_BYTES)
    throw new ConfigurationError(
      `${display} is ${bytes} bytes, over the ${MAX_FILE_BYTES}-byte limit for project files; check that it is the right file`,
      { location: { file: display } }
    )
}

class ExpansionExceeded extends Error {
  constructor(
    readonly line: number,
    readonly cycle: boolean
  ) {
    super('expansion exceeded')
  }
}

function isCollection(value: unknown): value is Record<string, unknown> | unknown[] {
  if (typeof value !== 'object' || value === null) return false
  if (Array.isArray(value)) return true
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

const stringWeight = (text: string): number => 1 + (text.length >> 6)

/**
 * Weight of a collection as if every alias in it were copied out. Children closed earlier have
 * their weight recorded; others (built by a tag's constructor, or an alias to a node still
 * open, i.e. a cycle) are walked here with the same budget.
 */
function weigh(
  node: Record<string, unknown> | unknown[],
  sizes: WeakMap<object, number>,
  budget: number,
  line: number,
  /** Only for the rare walk below a node: the nodes on the way, to catch a cycle. */
  open?: Set<object>
): number {
  let total = 1
  const values = Array.isArray(node) ? node : Object.values(node)
  if (!Array.isArray(node)) for (const key in node) total += stringWeight(key)
  for (const child of values) {
    if (typeof child === 'string') total += stringWeight(child)
    else if (typeof child !== 'object' || child === null) total += 1
    else {
      const known = sizes.get(child)
      if (known !== undefined) total += known
      else if (!isCollection(child)) total += 1
      else {
        const path = open ?? new Set<object>([node])
        if (path.has(child)) throw new ExpansionExceeded(line, true)
        path.add(child)
        total += weigh(child, sizes, budget - total, line, path)
        path.delete(child)
      }
    }
    if (total > budget) throw new ExpansionExceeded(line, false)
  }
  return total
}

/**
 * yaml.load with the caps. Syntax errors stay YAMLExceptions, so each caller words them its own
 * way; exceeded caps are ConfigurationErrors naming the file and line.
 */
export function loadYamlBounded(text: string, display: string, schema: yaml.Schema): unknown {
  checkSize(text, display)
  const sizes = new WeakMap<object, number>()
  const budget = expansionBudget(text.length)
  const listener = (event: yaml.EventType, raw: yaml.State): void => {
    if (event !== 'close') return
    // js-yaml's typings leave out the node's tag; it is there at runtime.
    const state = raw as unknown as {
      result: unknown
      line: number
      kind: string | null
      tag: string | null
    }
    const result = state.result
    // An alias closes with neither kind nor tag (a tagged empty node, `a: !!map`, has a tag).
    if (state.kind === null && state.tag === null) {
      // An alias: its result is the anchored node, weighed when that node closed. A node not
      // weighed yet is still open, so the alias sits inside it: a cycle (`&a [*a]`), which
      // recursive code downstream would follow forever.
      if (isCollection(result) && !sizes.has(result))
        throw new ExpansionExceeded(state.line + 1, true)
      return
    }
    if ((state.kind !== 'sequence' && state.kind !== 'mapping') || !isCollection(result)) return
    if (!sizes.has(result)) sizes.set(result, weigh(result, sizes, budget, state.line + 1))
  }
  try {
    const value = yaml.load(text, {
      schema,
      filename: display,
      json: false,
      maxDepth: MAX_DEPTH,
      listener
    } as yaml.LoadOptions)
    return value
  } catch (error) {
    if (error instanceof ExpansionExceeded) {
      throw new ConfigurationError(
        error.cycle
          ? `${display}:${error.line} has an alias that refers to a node containing it (a recursive structure); remove the alias`
          : `${display}:${error.line}: aliases expand to more than ${budget} nodes (an "alias bomb"); write the values out or use fewer aliases`,
        { location: { file: display, line: error.line } }
      )
    }
    if (error instanceof yaml.YAMLException && /maxDepth/.test(error.reason)) {
      const line = error.mark ? error.mark.line + 1 : 1
      throw new ConfigurationError(
        `${display}:${line} nests deeper than ${MAX_DEPTH} levels; flatten the structure`,
        { location: { file: display, line } }
      )
    }
    throw error
  }
}

/**
 * Depth of JSON text, measured before parsing (a recursive parser, and any recursive code after
 * it, would overflow the stack). Strings are skipped; a ConfigurationError names the line.
 */
export function checkJsonBounds(text: string, display: string): void {
  checkSize(text, display)
  let depth = 0
  let line = 1
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 10) line++
    if (inString) {
      if (c === 92)
        i++ // backslash: skip the escaped character
      else if (c === 34) inString = false
      continue
    }
    if (c === 34) inString = true
    else if (c === 91 || c === 123) {
      if (++depth > MAX_DEPTH)
        throw new ConfigurationError(
          `${display}:${line} nests deeper than ${MAX_DEPTH} levels; flatten the structure`,
          { location: { file: display, line } }
        )
    } else if (c === 93 || c === 125) depth--
  }
}

/** JSON.parse within the caps; a syntax error is left to the caller (a SyntaxError). */
export function parseJsonBounded(text: string, display: string): unknown {
  checkJsonBounds(text, display)
  return JSON.parse(text) as unknown
}

/** smol-toml within the caps (its own maxDepth); a TomlError is left to the caller. */
export function parseTomlBounded(text: string, display: string): unknown {
  checkSize(text, display)
  return parseToml(text, { maxDepth: MAX_DEPTH })
}

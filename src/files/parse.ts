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

const isCollection = (value: unknown): value is Record<string, unknown> | unknown[] =>
  Array.isArray(value) ||
  (typeof value === 'object' &&
    value !== null &&
    (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null))

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
  open: Set<object> = new Set()
): number {
  open.add(node)
  let total = 1
  const add = (child: unknown): void => {
    if (typeof child === 'string') total += stringWeight(child)
    else if (isCollection(child)) {
      if (open.has(child)) throw new ExpansionExceeded(line, true)
      total += sizes.get(child) ?? weigh(child, sizes, budget - total, line, open)
    } else total += 1
    if (total > budget) throw new ExpansionExceeded(line, false)
  }
  if (Array.isArray(node)) for (const child of node) add(child)
  else
    for (const key of Object.keys(node)) {
      total += stringWeight(key)
      add(node[key])
    }
  open.delete(node)
  return total
}

/**
 * Whether an alias refers to a node that contains it (`&a [*a]`): recursive code downstream
 * would never end. Depth-first over the shared structure, each node once: linear in the text.
 */
function hasCycle(root: unknown): boolean {
  if (!isCollection(root)) return false
  const done = new WeakSet<object>()
  const onPath = new WeakSet<object>()
  const stack: { node: Record<string, unknown> | unknown[]; children: unknown[]; next: number }[] =
    []
  const enter = (node: Record<string, unknown> | unknown[]): void => {
    onPath.add(node)
    stack.push({ node, children: Array.isArray(node) ? node : Object.values(node), next: 0 })
  }
  enter(root)
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!
    if (top.next === top.children.length) {
      onPath.delete(top.node)
      done.add(top.node)
      stack.pop()
      continue
    }
    const child = top.children[top.next++]
    if (!isCollection(child) || done.has(child)) continue
    if (onPath.has(child)) return true
    enter(child)
  }
  return false
}

function firstAliasLine(text: string): number {
  const at = text.search(/(?:^|[\s[{,:-])\*[^\s,\]}]/m)
  return at < 0 ? 1 : text.slice(0, at + 1).split('\n').length
}

/**
 * yaml.load with the caps. Syntax errors stay YAMLExceptions, so each caller words them its own
 * way; exceeded caps are ConfigurationErrors naming the file and line.
 */
export function loadYamlBounded(text: string, display: string, schema: yaml.Schema): unknown {
  checkSize(text, display)
  const sizes = new WeakMap<object, number>()
  const budget = expansionBudget(text.length)
  const listener = (
    event: string,
    state: { result: unknown; line: number; kind: string | null }
  ): void => {
    // An alias closes with kind null and the anchored node as its result: that node was
    // weighed when it closed (or is still open: a cycle, found below).
    if (event !== 'close' || (state.kind !== 'sequence' && state.kind !== 'mapping')) return
    const result = state.result
    if (!isCollection(result) || sizes.has(result)) return
    sizes.set(result, weigh(result, sizes, budget, state.line + 1))
  }
  try {
    const value = yaml.load(text, {
      schema,
      filename: display,
      json: false,
      maxDepth: MAX_DEPTH,
      listener
    } as yaml.LoadOptions)
    if (hasCycle(value)) throw new ExpansionExceeded(firstAliasLine(text), true)
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

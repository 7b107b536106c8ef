import { FieldError } from './errors.js'

/**
 * Typed action inputs. Each action declares one `defineInputs({...})` whose keys are exactly
 * the inputs of its action.yml; a unit test compares the two (names, required flags, defaults).
 *
 * The runner fills defaults from action.yml, but a bundle started by hand does not, so each
 * spec carries the same default and applies it to an empty value.
 */
export interface InputSpec<T> {
  readonly required: boolean
  /** The action.yml default, as the string the runner would pass. */
  readonly default?: string
  readonly description?: string
  /**
   * A secret (a token or password): the run wrapper masks its value before anything else runs,
   * even before validation, so a bad value can never be echoed back in an error.
   */
  readonly secret?: boolean
  readonly parse: (raw: string | undefined, name: string) => T
}

function fail(name: string, message: string): never {
  throw new FieldError(name, message)
}

/** Marks a spec as a secret (see InputSpec.secret). */
export function secret<T>(spec: InputSpec<T>): InputSpec<T> {
  return { ...spec, secret: true }
}

/**
 * A rule a string input must meet: the problem with a value (said as in "Input 'x' <problem>"),
 * or undefined when the value meets it. Plain functions, not zod: an action's inputs are parsed
 * before anything else loads, and zod is a fifth of what a cold start would otherwise compile.
 */
export type StringRule = (value: string) => string | undefined

/** A value `pattern` matches; else `message`. */
export function matching(pattern: RegExp, message: string): StringRule {
  return value => (pattern.test(value) ? undefined : message)
}

/** A value every rule accepts; the first problem found. */
export function allOf(...rules: StringRule[]): StringRule {
  return value => {
    for (const rule of rules) {
      const problem = rule(value)
      if (problem !== undefined) return problem
    }
    return undefined
  }
}

const anyString: StringRule = () => undefined

function checked(rule: StringRule, value: string, name: string): string {
  const problem = rule(value)
  return problem === undefined ? value : fail(name, `${problem}; fix its value.`)
}

export function requiredString(rule: StringRule = anyString): InputSpec<string> {
  return {
    required: true,
    parse: (raw, name) => {
      if (raw === undefined || raw.trim() === '') fail(name, 'is required but was not set.')
      return checked(rule, raw.trim(), name)
    }
  }
}

export function optionalString(
  rule: StringRule = anyString,
  defaultValue?: string
): InputSpec<string | undefined> {
  return {
    required: false,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
    parse: (raw, name) => {
      const value = raw === undefined || raw.trim() === '' ? defaultValue : raw.trim()
      return value === undefined ? undefined : checked(rule, value, name)
    }
  }
}

/** A string with a default: never undefined after parsing. */
export function stringWithDefault(
  defaultValue: string,
  rule: StringRule = anyString
): InputSpec<string> {
  return {
    required: false,
    default: defaultValue,
    parse: (raw, name) =>
      checked(rule, raw === undefined || raw.trim() === '' ? defaultValue : raw.trim(), name)
  }
}

export function choice<const T extends readonly [string, ...string[]]>(
  values: T,
  defaultValue?: T[number]
): InputSpec<T[number]> {
  return {
    required: defaultValue === undefined,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
    parse: (raw, name) => {
      const value = raw === undefined || raw.trim() === '' ? defaultValue : raw.trim()
      if (value === undefined) fail(name, `is required; use one of: ${values.join(', ')}.`)
      if (!(values as readonly string[]).includes(value))
        fail(name, `is '${value}'; use one of: ${values.join(', ')}.`)
      return value
    }
  }
}

const TRUE = ['true', 'True', 'TRUE']
const FALSE = ['false', 'False', 'FALSE']

/** Booleans always have a default (core.getBooleanInput throws on an empty value). */
export function boolean(defaultValue: boolean): InputSpec<boolean> {
  return {
    required: false,
    default: String(defaultValue),
    parse: (raw, name) => {
      const value = raw?.trim() ?? ''
      if (value === '') return defaultValue
      if (TRUE.includes(value)) return true
      if (FALSE.includes(value)) return false
      return fail(name, `is '${value}'; use true or false (YAML 1.2 core schema).`)
    }
  }
}

export function integer(
  defaultValue: number | undefined,
  bounds: { min?: number; max?: number } = {}
): InputSpec<number> {
  return {
    required: defaultValue === undefined,
    ...(defaultValue === undefined ? {} : { default: String(defaultValue) }),
    parse: (raw, name) => {
      const text = raw?.trim() ?? ''
      if (text === '') {
        if (defaultValue === undefined) fail(name, 'is required but was not set.')
        return defaultValue
      }
      if (!/^-?\d+$/.test(text)) fail(name, `is '${text}'; use a whole number.`)
      const value = Number(text)
      if (bounds.min !== undefined && value < bounds.min)
        fail(name, `is ${value}; use a number of at least ${bounds.min}.`)
      if (bounds.max !== undefined && value > bounds.max)
        fail(name, `is ${value}; use a number of at most ${bounds.max}.`)
      return value
    }
  }
}

export type InputSpecs = Record<string, InputSpec<unknown>>
export type InputValues<S extends InputSpecs> = { [K in keyof S]: ReturnType<S[K]['parse']> }

export interface InputDefinition<S extends InputSpecs, V = InputValues<S>> {
  readonly specs: S
  /** Names of the inputs that hold secrets (spec.secret). */
  readonly secrets: string[]
  parse(get: (name: string) => string | undefined): V
}

/** The typed (and refined) values an input definition yields. */
export type InputsOf<D> = D extends InputDefinition<InputSpecs, infer V> ? V : never

/**
 * An action's inputs: one spec per action.yml input, then an optional `refine` step for the
 * rules between inputs ("version needs model-name"). Refining is where those rules live, once:
 * it may throw a FieldError and may return a more precise shape (a discriminated union), so
 * `main` and the domain never see a combination the action does not accept.
 */
export function defineInputs<S extends InputSpecs>(specs: S): InputDefinition<S>
export function defineInputs<S extends InputSpecs, V>(
  specs: S,
  refine: (values: InputValues<S>) => V
): InputDefinition<S, V>
export function defineInputs<S extends InputSpecs, V>(
  specs: S,
  refine?: (values: InputValues<S>) => V
): InputDefinition<S, V | InputValues<S>> {
  return {
    specs,
    secrets: Object.entries(specs)
      .filter(([, spec]) => spec.secret === true)
      .map(([name]) => name),
    parse(get) {
      const values: Record<string, unknown> = {}
      for (const [name, spec] of Object.entries(specs)) values[name] = spec.parse(get(name), name)
      return refine ? refine(values as InputValues<S>) : (values as InputValues<S>)
    }
  }
}

/**
 * Reads an input the way @actions/core does (INPUT_<NAME>, spaces to '_', upper-cased,
 * hyphens kept) from a given environment, so the CLI and tests can reuse the schemas.
 */
export function envInputReader(env: NodeJS.ProcessEnv): (name: string) => string | undefined {
  return name => env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`]
}

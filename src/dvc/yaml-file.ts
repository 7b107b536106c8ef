import yaml from 'js-yaml'
import { ConfigurationError } from '../core/errors.js'
import { loadYamlBounded } from '../files/parse.js'
import { PyFloat } from './pyvalue.js'

// YAML 1.2 core schema (DVC reads with ruamel in YAML 1.2 mode: `yes`/`on` stay strings), with
// floats kept distinguishable from ints so `${}` prints `1.0` and `1e-05` the way Python does.
// @types/js-yaml does not declare the built-in types; js-yaml 4 exports them at runtime.
const builtinFloat = (
  yaml as unknown as {
    types: { float: { resolve(d: string): boolean; construct(d: string): number } }
  }
).types.float
const pyFloat = new yaml.Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (data: string) => builtinFloat.resolve(data),
  construct: (data: string) => new PyFloat(builtinFloat.construct(data)),
  instanceOf: PyFloat
})
const SCHEMA = yaml.CORE_SCHEMA.extend({ implicit: [pyFloat] })

/**
 * Safe YAML load (no custom tags, no code), within the size, depth and alias-expansion caps; a
 * syntax error names the file and line.
 */
export function parseYaml(text: string, display: string): unknown {
  try {
    return loadYamlBounded(text, display, SCHEMA)
  } catch (error) {
    if (error instanceof yaml.YAMLException) {
      const line = error.mark ? error.mark.line + 1 : undefined
      throw new ConfigurationError(
        `${display}${line ? `:${line}` : ''} is not valid YAML: ${error.reason}; fix the file`,
        {
          location: { file: display, ...(line ? { line } : {}) }
        }
      )
    }
    throw error
  }
}

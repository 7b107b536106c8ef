import { open } from 'node:fs/promises'
import yaml from 'js-yaml'
import { ConfigurationError } from '../core/errors.js'
import { PyFloat } from './pyvalue.js'

/** dvc.yaml, dvc.lock and params files above this size are refused rather than parsed. */
export const MAX_PROJECT_FILE_BYTES = 16 * 1024 * 1024

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

/** Reads at most `limit` bytes; a larger file is a ConfigurationError naming it. */
export async function readLimited(
  absPath: string,
  display: string,
  limit = MAX_PROJECT_FILE_BYTES
): Promise<Buffer> {
  const handle = await open(absPath, 'r')
  try {
    const { size } = await handle.stat()
    if (size > limit) {
      throw new ConfigurationError(
        `${display} is ${size} bytes, over the ${limit}-byte limit for project files; check that it is the right file`,
        { location: { file: display } }
      )
    }
    const buffer = Buffer.alloc(size)
    let offset = 0
    while (offset < size) {
      const { bytesRead } = await handle.read(buffer, offset, size - offset, offset)
      if (bytesRead === 0) break
      offset += bytesRead
    }
    return buffer.subarray(0, offset)
  } finally {
    await handle.close()
  }
}

/** Safe YAML load (no custom tags, no code); a syntax error names the file and line. */
export function parseYaml(text: string, display: string): unknown {
  try {
    return yaml.load(text, { schema: SCHEMA, filename: display, json: false })
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

import { readFileSync } from 'node:fs'
import path from 'node:path'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { ROOT } from './paths.js'

/**
 * GitHub's published REST description (@octokit/openapi, pinned in package.json), for checking
 * that every GitHub stand-in answers in GitHub's shapes and that the client reads only fields
 * GitHub documents. The dereferenced file has every $ref resolved.
 */
type Schema = Record<string, unknown>
interface Operation {
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>
}

let spec: { paths: Record<string, Record<string, Operation>> } | undefined

function load(): NonNullable<typeof spec> {
  spec ??= JSON.parse(
    readFileSync(
      path.join(
        ROOT,
        'node_modules',
        '@octokit',
        'openapi',
        'generated',
        'api.github.com.deref.json'
      ),
      'utf8'
    )
  ) as NonNullable<typeof spec>
  return spec
}

/**
 * OpenAPI 3.0 marks optional-null fields `nullable: true`, which JSON Schema does not know: each
 * becomes a union with null, or every nullable field would fail.
 */
function jsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(jsonSchema)
  if (!node || typeof node !== 'object') return node
  const out: Schema = {}
  for (const [key, value] of Object.entries(node as Schema)) {
    if (key === 'nullable' || key === 'example' || key === 'examples') continue
    out[key] = jsonSchema(value)
  }
  if ((node as Schema).nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null']
    else return { anyOf: [out, { type: 'null' }] }
    if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null]
  }
  return out
}

/** The JSON Schema of one operation's response, e.g. ('get', '/repos/{owner}/{repo}', '200'). */
export function responseSchema(method: string, route: string, status: string): Schema {
  const operation = load().paths[route]?.[method]
  const schema = operation?.responses[status]?.content?.['application/json']?.schema
  if (!schema)
    throw new Error(
      `@octokit/openapi has no ${status} JSON response for ${method.toUpperCase()} ${route}`
    )
  return jsonSchema(schema) as Schema
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false })
const compiled = new Map<string, ValidateFunction>()

/** The validation errors of a body against GitHub's schema (empty when it conforms). */
export function responseErrors(
  method: string,
  route: string,
  status: number,
  body: unknown
): ErrorObject[] {
  const key = `${method} ${route} ${status}`
  let validate = compiled.get(key)
  if (!validate)
    compiled.set(key, (validate = ajv.compile(responseSchema(method, route, String(status)))))
  return validate(body) ? [] : [...(validate.errors ?? [])]
}

/**
 * Whether a field path (e.g. ['protection_rules', '[]', 'reviewers', '[]', 'reviewer', 'login'])
 * exists in a schema, through arrays and in any branch of anyOf/oneOf/allOf.
 */
export function hasField(schema: Schema, fieldPath: string[]): boolean {
  if (fieldPath.length === 0) return true
  const [head, ...rest] = fieldPath
  const branches = ['anyOf', 'oneOf', 'allOf'].flatMap(
    k => (schema[k] as Schema[] | undefined) ?? []
  )
  if (branches.some(b => hasField(b, fieldPath))) return true
  if (head === '[]') return schema.items ? hasField(schema.items as Schema, rest) : false
  const properties = schema.properties as Record<string, Schema> | undefined
  return properties?.[head!] ? hasField(properties[head!]!, rest) : false
}

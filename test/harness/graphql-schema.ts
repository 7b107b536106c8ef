import { readFileSync } from 'node:fs'
import path from 'node:path'
import {
  buildSchema,
  coerceInputValue,
  Kind,
  parse,
  typeFromAST,
  validate,
  type GraphQLInputType,
  type GraphQLSchema
} from 'graphql'
import { ROOT } from './paths.js'

let schema: GraphQLSchema | undefined

/**
 * GitHub's published GraphQL schema (@octokit/graphql-schema, pinned). Its SDL defines two
 * EnterpriseOwnerInfo fields twice, so it is built with assumeValidSDL.
 */
export function githubSchema(): GraphQLSchema {
  schema ??= buildSchema(
    readFileSync(
      path.join(ROOT, 'node_modules', '@octokit', 'graphql-schema', 'schema.graphql'),
      'utf8'
    ),
    { assumeValidSDL: true }
  )
  return schema
}

/**
 * What GitHub would say of a document and its variables: the document's validation errors, then
 * each variable that does not coerce to its declared type. Empty when GitHub would accept both.
 */
export function documentErrors(query: string, variables: Record<string, unknown> = {}): string[] {
  let document
  try {
    document = parse(query)
  } catch (error) {
    return [(error as Error).message]
  }
  const errors = validate(githubSchema(), document).map(e => e.message)
  if (errors.length > 0) return errors
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue
    for (const variable of definition.variableDefinitions ?? []) {
      const type = typeFromAST(githubSchema(), variable.type) as GraphQLInputType | undefined
      const name = variable.variable.name.value
      if (!type) {
        errors.push(`Variable $${name} has an unknown type`)
        continue
      }
      coerceInputValue(variables[name], type, (keys, _value, error) => {
        errors.push(`Variable $${name}${keys.length ? `.${keys.join('.')}` : ''}: ${error.message}`)
      })
    }
  }
  return errors
}

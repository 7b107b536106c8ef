import { ConfigurationError } from '../../src/core/errors.js'
import type { ActionContext } from '../../src/core/run.js'
import type { inputs } from './inputs.js'

type Specs = typeof inputs.specs

export async function main(ctx: ActionContext<Specs>): Promise<void> {
  const { inputs: input } = ctx
  if (input.mode === 'append' && !input.event) {
    throw new ConfigurationError("Input 'event' is required in append mode; set it to promote, rollback, ...")
  }
  ctx.logger.info(`audit-log ${input.mode} ${input.file}`)
}

import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { ConfigurationError } from '../../src/core/errors.js'
import type { ActionContext } from '../../src/core/run.js'
import { workspaceDir } from '../../src/core/workspace.js'
import { loadPolicy } from '../../src/policy/index.js'
import type { inputs } from './inputs.js'

type Specs = typeof inputs.specs

export async function main(ctx: ActionContext<Specs>): Promise<void> {
  const { inputs: input, logger } = ctx
  const workspace = workspaceDir(ctx.env)
  loadPolicy({ policyFile: input['policy-file'], workspace, logger })
  const root = path.resolve(workspace, input['working-directory'])
  const lock = path.join(root, 'dvc.lock')
  if (!existsSync(lock)) {
    throw new ConfigurationError(
      `Input 'working-directory' is '${input['working-directory']}', which has no dvc.lock; point it at the DVC project root`
    )
  }
  ctx.setOutput('lock-sha256', createHash('sha256').update(readFileSync(lock)).digest('hex'))
}

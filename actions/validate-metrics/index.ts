// Entry point only: no logic here (see main.ts). main.ts is imported when the inputs are valid,
// so a run that fails on its inputs never loads the MLflow, GitHub and DVC code (cold start).
import { runAction } from '../../src/core/run.js'
import { inputs } from './inputs.js'
import { outputs } from './outputs.js'

await runAction('validate-metrics', inputs, outputs, async context =>
  (await import('./main.js')).main(context)
)

// Entry point only: no logic here (see main.ts).
import { runAction } from '../../src/core/run.js'
import { inputs } from './inputs.js'
import { main } from './main.js'
import { outputs } from './outputs.js'

await runAction('notify', inputs, outputs, main)

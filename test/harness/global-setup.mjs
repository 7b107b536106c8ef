// Jest loads globalSetup outside ts-jest's resolver, so the TypeScript harness is loaded through
// tsx, which maps the `.js` import specifiers onto the `.ts` sources.
import { tsImport } from 'tsx/esm/api'

export default async function globalSetup() {
  // MLflow's telemetry thread edits os.environ while requests iterates it: a KeyError on
  // '_MLFLOW_TELEMETRY_SESSION_ID' was seen in a training script under load. Every MLflow
  // process the tests start (servers, clients, the warm Python) inherits this.
  process.env.MLFLOW_DISABLE_TELEMETRY = 'true'
  process.env.DO_NOT_TRACK = 'true'
  const { default: start } = await tsImport('./start-peers.ts', import.meta.url)
  await start()
}

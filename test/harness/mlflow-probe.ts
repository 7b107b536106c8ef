/**
 * Runs one MLflow client call in a process of its own and prints what happened as one JSON line,
 * with the process's peak RSS, so a test can measure the client's memory apart from jest's.
 * Usage: tsx test/harness/mlflow-probe.ts '{"uri": "...", "call": "getModelVersion", ...}'
 */
import { createHash } from 'node:crypto'
import { silentLogger } from '../../src/core/logger.js'
import { resolveConnection } from '../../src/mlflow/connection.js'
import { MlflowHttp, type ResponseLimits, type RetryPolicy } from '../../src/mlflow/http.js'
import { MlflowClient } from '../../src/mlflow/registry.js'

interface Probe {
  uri: string
  call: 'getModelVersion' | 'download'
  token?: string
  retry?: RetryPolicy
  limits?: ResponseLimits
}

const probe = JSON.parse(process.argv[2] ?? '{}') as Probe
const env = probe.token ? { MLFLOW_TRACKING_TOKEN: probe.token } : {}
const client = new MlflowClient(
  new MlflowHttp(resolveConnection({ 'tracking-uri': probe.uri }, env), {
    logger: silentLogger,
    ...(probe.retry ? { retry: probe.retry } : {}),
    ...(probe.limits ? { limits: probe.limits } : {})
  })
)
const started = Date.now()
let outcome: Record<string, unknown>
try {
  if (probe.call === 'download') {
    const result = await client.downloadProxiedArtifact('model/model.pkl', async body => {
      const hash = createHash('md5')
      let bytes = 0
      for await (const chunk of body) {
        hash.update(chunk)
        bytes += chunk.length
      }
      return { bytes, md5: hash.digest('hex') }
    })
    outcome = { ok: true, ...result }
  } else {
    const mv = await client.getModelVersion('churn', '7')
    outcome = { ok: true, name: mv.name }
  }
} catch (error) {
  outcome = {
    ok: false,
    error: (error as Error).name,
    code: (error as { errorCode?: string }).errorCode,
    message: (error as Error).message
  }
}
await client.http.close()
process.stdout.write(
  `${JSON.stringify({ ...outcome, ms: Date.now() - started, maxRssKb: process.resourceUsage().maxRSS })}\n`
)

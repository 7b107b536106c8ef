// Scale: `reconcile` and `status` against a real MLflow server (PostgreSQL store) holding
// 1,000 registered models with 3 targets each (Staging, Production, alias champion), for audit
// logs naming N = 100, 300 and 1,000 of them. Reports the time per N and per model, the growth
// t(1000)/t(100) against 10 (linear), the requests per model, and each command's ratio to the
// physical floor measured in the same run: the same REST reads with plain fetch at the same
// concurrency. The CLI runs in process (runCli) with --no-history: the history check's cost grows
// with the log's git history, not with the registry, and bench/audit-history.bench.ts times it.
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { OUTPUT } from '../test/harness/paths.js'
import { dropStaleDatabases, startMlflowServer, stopProcessGroup } from '../test/harness/servers.js'
import { SCALE_COMMANDS } from './scale/commands.js'
import { counted } from './scale/requests.js'
import { seedRegistry, TARGETS_PER_MODEL, writeWorkspace } from './scale/seed.js'

const SIZES = (process.env.MG_BENCH_SCALE_SIZES ?? '100,300,1000').split(',').map(Number)
const REGISTERED = Math.max(...SIZES)
const RUNS = Number(process.env.MG_BENCH_SCALE_RUNS ?? 3)

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

async function timed(work: () => Promise<void>): Promise<{ ms: number; requests: number }> {
  const start = process.hrtime.bigint()
  const { requests } = await counted(work)
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, requests }
}

const runId = `${Date.now().toString(36)}_${process.pid}`
const server = await startMlflowServer({ name: 'bench-scale', runId })
try {
  const seedStart = Date.now()
  await seedRegistry(server.uri, REGISTERED)
  const seedMs = Date.now() - seedStart
  console.log(
    `seeded ${REGISTERED} models (2 versions, 2 stages, 1 alias each) on ${server.backend} in ${(seedMs / 1000).toFixed(1)} s; load average ${os
      .loadavg()
      .map(l => l.toFixed(2))
      .join(' ')}`
  )
  const base = path.join(OUTPUT, 'bench', 'scale')
  const results: Record<string, unknown>[] = []
  for (const command of SCALE_COMMANDS) {
    const perN: {
      n: number
      models: number
      ms: number
      floorMs: number
      requests: number
      floorRequests: number
    }[] = []
    for (const n of SIZES) {
      const reg = writeWorkspace(base, server.uri, n, REGISTERED)
      const models = command.models(reg)
      // One unmeasured pass warms the server's caches and the client's connections.
      await command.run(reg, models)
      const runs: { ms: number; requests: number }[] = []
      const floors: { ms: number; requests: number }[] = []
      for (let i = 0; i < RUNS; i++) {
        // Alternated, so drift in the machine's load touches both alike.
        runs.push(await timed(() => command.run(reg, models)))
        floors.push(await timed(() => command.floor(reg, models)))
      }
      const row = {
        n,
        models: models.length,
        ms: median(runs.map(r => r.ms)),
        floorMs: median(floors.map(r => r.ms)),
        requests: runs[0]!.requests,
        floorRequests: floors[0]!.requests
      }
      perN.push(row)
      console.log(
        `${command.name.padEnd(9)} N=${String(n).padStart(4)}: ${models.length} model(s) in ${row.ms.toFixed(0)} ms ` +
          `(${(row.ms / models.length).toFixed(2)} ms/model, ${(row.requests / models.length).toFixed(2)} requests/model); ` +
          `floor ${row.floorMs.toFixed(0)} ms (${(row.floorRequests / models.length).toFixed(2)} requests/model), ratio ${(row.ms / row.floorMs).toFixed(2)}; ` +
          `load ${os.loadavg()[0]!.toFixed(2)}`
      )
    }
    const first = perN[0]!
    const last = perN[perN.length - 1]!
    const growth = last.ms / first.ms
    const linear = last.models / first.models
    console.log(
      `${command.name}: t(N=${last.n})/t(N=${first.n}) = ${growth.toFixed(2)} for ${linear}× the models ` +
        `(linear: ${linear}); floor ${(last.floorMs / first.floorMs).toFixed(2)}`
    )
    results.push({ command: command.name, growth, linear, perN })
  }
  const figures = {
    registered: REGISTERED,
    targetsPerModel: TARGETS_PER_MODEL,
    backend: server.backend,
    seedMs,
    runs: RUNS,
    loadAverage: os.loadavg(),
    cpus: os.availableParallelism(),
    results
  }
  mkdirSync(path.join(OUTPUT, 'bench'), { recursive: true })
  writeFileSync(path.join(OUTPUT, 'bench', 'registry-scale.json'), JSON.stringify(figures, null, 2))
} finally {
  await stopProcessGroup(server.pid)
  dropStaleDatabases(`mg_test_${runId}`)
}
// The CLI's in-process clients keep idle keep-alive sockets; the bench is done.
process.exit(0)

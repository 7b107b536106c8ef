// promote-model: the promotion round trip (transition + confirmed visibility) of the bundled action
// against MLflow's Python client doing the same transition and read in a fresh `python -c`, on the
// same dedicated server in the same run (goal: ratio ≤ 0.25); and the bundle's cold start (exit on
// a missing input) against `node -e 0`.
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { OUTPUT, PYTHON, ROOT } from '../test/harness/paths.js'
import { seed } from '../test/harness/python.js'
import { dropStaleDatabases, startMlflowServer, stopProcessGroup } from '../test/harness/servers.js'

const RUNS = 7
const BUNDLE = path.join(ROOT, 'dist', 'promote-model', 'index.js')

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

function timed(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv
): { ms: number; status: number | null; out: string } {
  const start = process.hrtime.bigint()
  const result = spawnSync(command, args, {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    encoding: 'utf8'
  })
  return {
    ms: Number(process.hrtime.bigint() - start) / 1e6,
    status: result.status,
    out: `${result.stdout}${result.stderr}`
  }
}

const runId = `${Date.now().toString(36)}_${process.pid}`
const server = await startMlflowServer({ name: 'bench-promote', runId })
try {
  const model = `bench-promote-${runId}`
  seed(server.uri, [
    { op: 'run', experiment: 'bench' },
    { op: 'register', name: model, run: 0 },
    { op: 'register', name: model, run: 0 }
  ])
  const action: number[] = []
  const python: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const version = String((i % 2) + 1)
    const a = timed(process.execPath, [BUNDLE], {
      'INPUT_MODEL-NAME': model,
      INPUT_VERSION: version,
      INPUT_STAGE: 'Production',
      'INPUT_ALLOW-SKIP': 'true',
      'INPUT_TRACKING-URI': server.uri
    })
    if (a.status !== 0) throw new Error(`the bundle failed: ${a.out}`)
    action.push(a.ms)
    const other = String(((i + 1) % 2) + 1)
    const p = timed(
      PYTHON,
      [
        '-c',
        [
          'import warnings; warnings.filterwarnings("ignore")',
          'from mlflow import MlflowClient',
          `c = MlflowClient(tracking_uri=${JSON.stringify(server.uri)}, registry_uri=${JSON.stringify(server.uri)})`,
          `c.transition_model_version_stage(${JSON.stringify(model)}, "${other}", "Production", archive_existing_versions=True)`,
          `assert c.get_model_version(${JSON.stringify(model)}, "${other}").current_stage == "Production"`
        ].join('\n')
      ],
      {}
    )
    if (p.status !== 0) throw new Error(`python failed: ${p.out}`)
    python.push(p.ms)
  }
  const cold = Array.from({ length: 15 }, () => timed(process.execPath, [BUNDLE], {}).ms)
  const floor = Array.from({ length: 15 }, () => timed(process.execPath, ['-e', '0'], {}).ms)
  const figures = {
    roundTripMs: {
      action: median(action),
      python: median(python),
      ratio: median(action) / median(python),
      goal: 0.25
    },
    coldStartMs: {
      bundle: median(cold),
      nodeE0: median(floor),
      ratio: median(cold) / median(floor)
    },
    runs: RUNS
  }
  console.log(
    `promotion round trip (median of ${RUNS}): bundle ${figures.roundTripMs.action.toFixed(0)} ms, ` +
      `python -c ${figures.roundTripMs.python.toFixed(0)} ms, ratio ${figures.roundTripMs.ratio.toFixed(3)} (goal ≤ 0.25)`
  )
  console.log(
    `cold start (median of 15): bundle ${figures.coldStartMs.bundle.toFixed(0)} ms, node -e 0 ${figures.coldStartMs.nodeE0.toFixed(0)} ms, ` +
      `ratio ${figures.coldStartMs.ratio.toFixed(2)}`
  )
  mkdirSync(path.join(OUTPUT, 'bench'), { recursive: true })
  writeFileSync(path.join(OUTPUT, 'bench', 'promote-model.json'), JSON.stringify(figures, null, 2))
} finally {
  await stopProcessGroup(server.pid)
  dropStaleDatabases(`mg_test_${runId}`)
}

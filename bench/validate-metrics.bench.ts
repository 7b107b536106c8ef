// validate-metrics hot paths against built-in references measured in the same run:
//   rule parsing (10,000 lines)      vs JSON.parse of the same rules as JSON
//   metrics file read + DVC flatten  vs JSON.parse of the same file
//   gate evaluation (2,000 rules)    vs a bare loop doing the same comparisons
import { evaluateGate } from '../src/gate/evaluate.js'
import { metricsFromText } from '../src/gate/metrics-file.js'
import { parseRules } from '../src/gate/rules.js'
import type { MetricObservation, Rule } from '../src/gate/types.js'

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

function time(fn: () => unknown, runs = 21): number {
  fn()
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint()
    fn()
    samples.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  return median(samples)
}

function report(label: string, ours: number, reference: number, referenceLabel: string): void {
  console.log(
    `${label.padEnd(34)} ${ours.toFixed(2).padStart(8)} ms   ${referenceLabel} ${reference.toFixed(2)} ms   ratio ${(ours / reference).toFixed(2)}`
  )
}

const ops = ['>=', '>', '<=', '<', '==', '!='] as const
const lines = Array.from(
  { length: 10_000 },
  (_, i) => `metric_${i}.score ${ops[i % 6]} ${(i / 7).toFixed(4)}  # rule ${i}`
)
const text = lines.join('\n')
const asJson = JSON.stringify(
  lines.map((_, i) => ({ metric: `metric_${i}.score`, op: ops[i % 6], value: i / 7 }))
)
const source = {
  subject: { field: 'thresholds' },
  origin: (line: number) => `thresholds line ${line}`
}
report(
  'parse 10,000 rules',
  time(() => parseRules(text, source)),
  time(() => JSON.parse(asJson)),
  'JSON.parse'
)

const nested: Record<string, Record<string, number | number[]>> = {}
for (let i = 0; i < 200; i++)
  nested[`group_${i}`] = Object.fromEntries(
    Array.from({ length: 5 }, (_, j) => [`m${j}`, j === 4 ? [i, j] : i * j + 0.5])
  )
const fileText = JSON.stringify(nested, null, 2)
report(
  'read + flatten 1,000-key JSON',
  time(() => metricsFromText(fileText, 'metrics.json')),
  time(() => JSON.parse(fileText)),
  'JSON.parse'
)

const rules: Rule[] = parseRules(lines.slice(0, 2000).join('\n'), source)
const candidate = new Map<string, MetricObservation>(
  rules.map(r => [
    r.metric,
    { name: r.metric, value: r.value, source: { kind: 'run', label: 'run bench' } }
  ])
)
const bare = (): number => {
  let passed = 0
  for (const r of rules) {
    const v = candidate.get(r.metric)!.value as number
    if (r.op === '>=' ? v >= r.value : r.op === '<=' ? v <= r.value : v !== r.value) passed++
  }
  return passed
}
report(
  'evaluate 2,000 rules',
  time(() => evaluateGate({ rules, comparisons: [], candidate, missing: 'fail' })),
  time(bare),
  'bare loop'
)

// Types for workflow-runner.mjs, so the TypeScript end-to-end test can import it.
export interface StepRecord {
  id?: string
  name: string
  outcome: 'success' | 'failure' | 'skipped'
  outputs: Record<string, string>
  summary: string
  stdout?: string
}
export interface JobRecord {
  result: 'success' | 'failure' | 'skipped'
  outputs: Record<string, string>
  steps: StepRecord[]
  environment: string | undefined
}
export interface ActionRun {
  code: number
  outputs: Record<string, string>
  summary: string
  stdout: string
}
export interface RunWorkflowOptions {
  workflow: unknown
  actionSpec: (name: string) => { inputs?: Record<string, { default?: unknown }> }
  inputs?: Record<string, string | boolean>
  secrets?: Record<string, string>
  github: Record<string, string>
  env?: Record<string, string | undefined>
  workspace: string
  runAction: (name: string, inputs: Record<string, string>, options: { env: Record<string, string | undefined>; workspace: string }) => Promise<ActionRun>
  checkout: (withValues: Record<string, string>) => Promise<void>
  environmentGate?: (name: string, job: string) => Promise<'approved' | 'rejected'>
  onStep?: (event: { job: string; step: StepRecord | { name: string }; outcome: string; result?: Partial<ActionRun> }) => void
}
export function runWorkflow(options: RunWorkflowOptions): Promise<{ inputs: Record<string, unknown>; jobs: Record<string, JobRecord> }>
export function jobOrder(jobs: Record<string, unknown>): string[]
export function callInputs(workflow: unknown, given: Record<string, unknown>): Record<string, unknown>
export function parseOutputFile(text: string): Record<string, string>

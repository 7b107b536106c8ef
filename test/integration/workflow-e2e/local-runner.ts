import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { ROOT } from '../../harness/paths.js'

/**
 * Types of scripts/demo/workflow-runner.mjs, the local runner that `npm run demo` and this test
 * share. The demo is plain JavaScript so that it runs without node_modules; the test loads it by
 * URL and types it here.
 */
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
  runAction: (
    name: string,
    inputs: Record<string, string>,
    options: { env: Record<string, string | undefined>; workspace: string }
  ) => Promise<ActionRun>
  checkout: (withValues: Record<string, string>) => Promise<void>
  environmentGate?: (name: string, job: string) => Promise<'approved' | 'rejected'>
}
interface RunnerModule {
  runWorkflow(
    options: RunWorkflowOptions
  ): Promise<{ inputs: Record<string, unknown>; jobs: Record<string, JobRecord> }>
}

export async function loadRunner(): Promise<RunnerModule> {
  const url = pathToFileURL(path.join(ROOT, 'scripts', 'demo', 'workflow-runner.mjs')).href
  return (await import(url)) as RunnerModule
}

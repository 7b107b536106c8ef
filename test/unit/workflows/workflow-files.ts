import { readFileSync } from 'node:fs'
import path from 'node:path'
import yaml from 'js-yaml'
import { ROOT } from '../../harness/paths.js'

/** The parts of a workflow file these tests read. */
export interface Step {
  name?: string
  id?: string
  if?: string
  uses?: string
  run?: string
  with?: Record<string, string | number | boolean>
  env?: Record<string, string>
}
export interface Job {
  name?: string
  needs?: string | string[]
  if?: string
  environment?: string | { name: string }
  permissions?: Record<string, string>
  outputs?: Record<string, string>
  steps?: Step[]
  uses?: string
  with?: Record<string, string | number | boolean>
  secrets?: Record<string, string> | 'inherit'
}
export interface InputSpec {
  type: string
  required?: boolean
  default?: unknown
  description?: string
  options?: string[]
}
export interface Workflow {
  name: string
  on: Record<
    string,
    { inputs?: Record<string, InputSpec>; secrets?: Record<string, { required?: boolean }> } | null
  >
  permissions: unknown
  concurrency?: { group: string; 'cancel-in-progress'?: boolean; queue?: string }
  jobs: Record<string, Job>
}

export const APPROVAL_WORKFLOW = '.github/workflows/model-approval.yml'
export const EXAMPLES = ['examples/workflows/promote.yml', 'examples/workflows/rollback.yml']

export function workflowText(file: string): string {
  return readFileSync(path.join(ROOT, file), 'utf8')
}

export function loadWorkflow(file: string): Workflow {
  return yaml.load(workflowText(file)) as Workflow
}

export function needsOf(job: Job): string[] {
  return job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]
}

import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import yaml from 'js-yaml'
import { OUTPUT, ROOT } from '../../harness/paths.js'
import { POLICY, stepPath } from './project.js'

/**
 * The validate job's "Resolve the target stage" step, run as the runner runs it (bash, the env the
 * workflow gives it, Python with PyYAML): the environment the promote job will use must come
 * from the policy and be on its allowlist, because GitHub would create an unknown one unprotected.
 */
interface Step {
  id?: string
  run?: string
}
const workflow = yaml.load(
  readFileSync(path.join(ROOT, '.github/workflows/model-approval.yml'), 'utf8')
) as {
  jobs: { validate: { steps: Step[] } }
}
const script = workflow.jobs.validate.steps.find(s => s.id === 'resolve')!.run!

function resolve(
  policy: string | undefined,
  inputs: Record<string, string>
): { code: number | null; outputs: string; stdout: string } {
  const dir = mkdtempSync(path.join(OUTPUT, 'resolve-stage-'))
  if (policy !== undefined) writeFileSync(path.join(dir, 'policy.yml'), policy)
  const output = path.join(dir, 'output')
  writeFileSync(output, '')
  const env = {
    MODEL_NAME: 'churn',
    VERSION: '3',
    TARGET_STAGE: 'Production',
    JUSTIFICATION: 'better',
    POLICY_FILE: 'policy.yml',
    ROLLBACK: 'false',
    ...inputs
  }
  const result = spawnSync('bash', ['-e', '-c', script], {
    cwd: dir,
    env: { PATH: stepPath, GITHUB_OUTPUT: output, ...env },
    encoding: 'utf8'
  })
  return {
    code: result.status,
    outputs: readFileSync(output, 'utf8'),
    stdout: result.stdout + result.stderr
  }
}

describe('model-approval.yml: resolving the stage and its environment', () => {
  it("outputs the policy stage's environment, its canonical name and the stage it comes from", () => {
    expect(resolve(POLICY, { TARGET_STAGE: 'production' })).toMatchObject({
      code: 0,
      outputs: 'environment=production\nstage=Production\nfrom-stage=Staging\n'
    })
  })

  it('applies per-model overrides of the environment, still against the allowlist', () => {
    const policy = `${POLICY}models:\n  churn:\n    stages:\n      - name: Production\n        environment: prod-eu\n`
    const refused = resolve(policy, {})
    expect(refused.code).toBe(1)
    expect(refused.stdout).toContain(
      "names the environment 'prod-eu', which is not in the environments: allowlist"
    )
    expect(refused.outputs).toBe('')
    const allowed = resolve(
      policy.replace(
        'environments: [staging, production]',
        'environments: [staging, production, prod-eu]'
      ),
      {}
    )
    expect(allowed).toMatchObject({
      code: 0,
      outputs: expect.stringContaining('environment=prod-eu\n')
    })
  })

  it.each([
    [
      'a stage the policy does not have',
      {},
      POLICY,
      "Input 'target-stage' is 'Canary', which is not a stage",
      { TARGET_STAGE: 'Canary' }
    ],
    [
      'a stage without an environment',
      {},
      POLICY,
      'Stage Development in policy.yml names no environment',
      { TARGET_STAGE: 'None' }
    ],
    [
      'Production without a justification',
      {},
      POLICY,
      "Input 'justification' is empty",
      { JUSTIFICATION: '  ' }
    ],
    [
      'a version that is not a number',
      {},
      POLICY,
      "Input 'version' is 'latest'",
      { VERSION: 'latest' }
    ],
    [
      'a version with rollback',
      {},
      POLICY,
      "Input 'version' must be empty with rollback",
      { ROLLBACK: 'true' }
    ],
    [
      'no policy file (the default stages name no environment)',
      {},
      undefined,
      'Stage Production in policy.yml names no environment',
      {}
    ]
  ])('refuses %s', (_what, _unused, policy, message, inputs) => {
    const result = resolve(policy, inputs)
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(`::error title=model-approval::${message}`)
    expect(result.outputs).toBe('')
  })

  it('keeps an input that tries to inject a workflow command on one escaped line', () => {
    const result = resolve(POLICY, { TARGET_STAGE: 'x\n::add-mask::oops' })
    expect(result.code).toBe(1)
    expect(result.stdout).not.toMatch(/^::add-mask::/m)
    expect(result.stdout).toContain("'x%0A::add-mask::oops'")
  })
})

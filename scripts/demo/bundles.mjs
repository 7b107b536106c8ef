// Runs a bundled action (dist/<name>/index.js) as the Actions runner does: inputs as
// INPUT_<NAME> (hyphens kept), fresh GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, cwd =
// GITHUB_WORKSPACE. YAML is read with the venv's PyYAML, so the demo needs no node_modules.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { runStepProcess } from './workflow-runner.mjs'

export function yamlLoader(python) {
  // PyYAML reads YAML 1.1, where a bare `on` key is the boolean true; GitHub reads it as "on".
  const script =
    'import sys, json, yaml\nd = yaml.safe_load(open(sys.argv[1]))\nif isinstance(d, dict) and True in d: d["on"] = d.pop(True)\njson.dump(d, sys.stdout)'
  return file => JSON.parse(execFileSync(python, ['-c', script, file], { encoding: 'utf8' }))
}

export function bundleRunner(root) {
  return (action, inputs, { env, workspace }) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), `demo-${action}-`))
    const files = {
      GITHUB_OUTPUT: path.join(dir, 'output'),
      GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'),
      GITHUB_STATE: path.join(dir, 'state'),
      GITHUB_ENV: path.join(dir, 'env')
    }
    for (const file of Object.values(files)) writeFileSync(file, '')
    const childEnv = {
      ...env,
      ...files,
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: workspace,
      RUNNER_TEMP: dir
    }
    for (const [name, value] of Object.entries(inputs))
      childEnv[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
    return runStepProcess(process.execPath, [path.join(root, 'dist', action, 'index.js')], {
      cwd: workspace,
      env: childEnv,
      outputFile: files.GITHUB_OUTPUT,
      summaryFile: files.GITHUB_STEP_SUMMARY
    })
  }
}

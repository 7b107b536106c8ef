// Runs a bundled action (dist/<name>/index.js) as the Actions runner does, for the demo's steps
// outside a workflow (registering candidates, verifying the trail): inputs as INPUT_<NAME>
// (hyphens kept), fresh GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, cwd = GITHUB_WORKSPACE.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** GITHUB_OUTPUT's `name<<delimiter` blocks and plain `name=value` lines. */
function parseOutputFile(text) {
  const out = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const value = []
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i])
      out[heredoc[1]] = value.join('\n')
    } else if (line.includes('='))
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
  }
  return out
}

function runStepProcess(command, args, { cwd, env, outputFile, summaryFile }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    child.stdout.on('data', d => (stdout += d))
    child.stderr.on('data', d => (stdout += d))
    child.on('error', reject)
    child.on('close', code =>
      resolve({
        code: code ?? -1,
        stdout,
        outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
        summary: readFileSync(summaryFile, 'utf8')
      })
    )
  })
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

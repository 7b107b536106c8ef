import { spawnSync } from 'node:child_process'
import { PYTHON } from '../../harness/paths.js'

/**
 * Direct SQL on the harness server's backend store. OSS MLflow registers synchronously, so a
 * version is never PENDING_REGISTRATION or FAILED_REGISTRATION by itself; a trigger on the real
 * store makes new versions of chosen models start pending, as an asynchronous registry (e.g.
 * Databricks) would, and `setStatus` plays the registry finishing the copy. Everything MLflow
 * answers is still the real server reading its real store.
 */
function sql(backendUri: string, statements: string[], params: unknown[][] = []): void {
  const script = [
    'import json, sys',
    'uri, statements, params = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])',
    'if uri.startswith("sqlite"):',
    '    import sqlite3',
    '    conn = sqlite3.connect(uri.split(":///", 1)[1]); mark = "?"',
    'else:',
    '    import psycopg2',
    '    conn = psycopg2.connect(uri.replace("+psycopg2", "")); mark = "%s"',
    'cur = conn.cursor()',
    'for i, s in enumerate(statements):',
    '    cur.execute(s.replace("?", mark) if i < len(params) and params[i] else s, params[i] if i < len(params) and params[i] else None)',
    'conn.commit()'
  ].join('\n')
  const result = spawnSync(
    PYTHON,
    ['-c', script, backendUri, JSON.stringify(statements), JSON.stringify(params)],
    {
      encoding: 'utf8',
      timeout: 60_000
    }
  )
  if (result.status !== 0)
    throw new Error(`SQL on the backend store failed: ${result.stderr.slice(-1500)}`)
}

/** New versions of models whose name starts with `prefix` are stored as PENDING_REGISTRATION. */
export function startVersionsPending(backendUri: string, prefix: string): void {
  const like = `${prefix.replace(/[^\w-]/g, '')}%`
  if (backendUri.startsWith('sqlite')) {
    sql(backendUri, [
      `CREATE TRIGGER IF NOT EXISTS mg_pending_${like.replace(/\W/g, '_')} AFTER INSERT ON model_versions WHEN NEW.name LIKE '${like}' ` +
        `BEGIN UPDATE model_versions SET status = 'PENDING_REGISTRATION' WHERE name = NEW.name AND version = NEW.version; END`
    ])
    return
  }
  sql(backendUri, [
    `CREATE OR REPLACE FUNCTION mg_pending() RETURNS trigger AS $$ BEGIN NEW.status := 'PENDING_REGISTRATION'; RETURN NEW; END $$ LANGUAGE plpgsql`,
    `DROP TRIGGER IF EXISTS mg_pending ON model_versions`,
    `CREATE TRIGGER mg_pending BEFORE INSERT ON model_versions FOR EACH ROW WHEN (NEW.name LIKE '${like}') EXECUTE FUNCTION mg_pending()`
  ])
}

export function setStatus(
  backendUri: string,
  name: string,
  version: string,
  status: string,
  message = ''
): void {
  sql(
    backendUri,
    ['UPDATE model_versions SET status = ?, status_message = ? WHERE name = ? AND version = ?'],
    [[status, message, name, Number(version)]]
  )
}

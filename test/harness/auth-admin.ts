/**
 * Users and registered-model permissions on the harness's basic-auth server, through its REST
 * API as an admin. MLflow 3.17 grants through /api/3.0/mlflow/users/permissions/grant with a
 * resource_type; the older /registered-models/permissions/create route is gone.
 */
// MLflow 3.17 resource-level grants: DENY replaces the older NO_PERMISSIONS.
export type ModelPermission = 'READ' | 'USE' | 'EDIT' | 'MANAGE' | 'DENY'

interface Admin {
  username: string
  password: string
}

async function call(uri: string, admin: Admin, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${uri}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${admin.username}:${admin.password}`).toString('base64')}`
    },
    body: JSON.stringify(body)
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${text.slice(0, 300)}`)
  return text ? (JSON.parse(text) as unknown) : {}
}

export async function createUser(
  uri: string,
  admin: Admin,
  username: string,
  password: string
): Promise<void> {
  await call(uri, admin, '/api/2.0/mlflow/users/create', { username, password })
}

export async function grantModelPermission(
  uri: string,
  admin: Admin,
  username: string,
  model: string,
  permission: ModelPermission
): Promise<void> {
  await call(uri, admin, '/api/3.0/mlflow/users/permissions/grant', {
    username,
    resource_type: 'registered_model',
    resource_id: model,
    permission
  })
}

/** Basic-auth env for MLflow's Python client and for our actions. */
export function basicAuthEnv(username: string, password: string): NodeJS.ProcessEnv {
  return { MLFLOW_TRACKING_USERNAME: username, MLFLOW_TRACKING_PASSWORD: password }
}

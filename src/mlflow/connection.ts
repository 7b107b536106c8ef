import { readFileSync } from 'node:fs'
import { FieldError } from '../core/errors.js'

/** Auth as MLflow's Python client resolves it: username and password win over a token. */
export type Auth =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; token: string }
  | { kind: 'none' }

export interface TlsOptions {
  insecure: boolean
  ca?: string
  clientCert?: string
}

export interface Connection {
  /** Base URL without a trailing slash, e.g. https://mlflow.example.com/prefix */
  baseUrl: string
  /** Scheme and host only: the only form of the server that may appear in a message or record. */
  server: string
  auth: Auth
  tls: TlsOptions
}

/** The connection inputs every action that talks to MLflow accepts; each falls back to MLflow's env var. */
export interface ConnectionInputs {
  'tracking-uri'?: string | undefined
  'tracking-token'?: string | undefined
  'tracking-username'?: string | undefined
  'tracking-password'?: string | undefined
  'tracking-insecure-tls'?: boolean | undefined
  'tracking-server-cert-path'?: string | undefined
  'tracking-client-cert-path'?: string | undefined
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim()
  return trimmed ? trimmed : undefined
}

/** Scheme and host (with port) of a URL; never user info, path or query. */
export function serverLabel(url: URL): string {
  return `${url.protocol}//${url.host}`
}

export function resolveConnection(
  inputs: ConnectionInputs,
  env: NodeJS.ProcessEnv,
  readFile: (path: string) => string = path => readFileSync(path, 'utf8')
): Connection {
  const uri = nonEmpty(inputs['tracking-uri']) ?? nonEmpty(env.MLFLOW_TRACKING_URI)
  if (!uri) {
    throw new FieldError(
      'tracking-uri',
      'is not set and MLFLOW_TRACKING_URI is empty; set it to your tracking server, e.g. https://mlflow.example.com'
    )
  }
  let url: URL
  try {
    url = new URL(uri)
  } catch {
    throw new FieldError(
      'tracking-uri',
      'is not a URL; use http(s)://host[:port][/path] (file: and databricks URIs are not supported)'
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FieldError(
      'tracking-uri',
      `uses '${url.protocol}'; only http:// and https:// tracking servers are supported`
    )
  }
  // Credentials embedded in the URI are honoured but never kept in the URL we log or send.
  const urlUser = url.username ? decodeURIComponent(url.username) : undefined
  const urlPassword = url.password ? decodeURIComponent(url.password) : undefined
  url.username = ''
  url.password = ''
  const username =
    nonEmpty(inputs['tracking-username']) ?? nonEmpty(env.MLFLOW_TRACKING_USERNAME) ?? urlUser
  const password =
    nonEmpty(inputs['tracking-password']) ?? nonEmpty(env.MLFLOW_TRACKING_PASSWORD) ?? urlPassword
  const token = nonEmpty(inputs['tracking-token']) ?? nonEmpty(env.MLFLOW_TRACKING_TOKEN)

  let auth: Auth = { kind: 'none' }
  if (username && password) auth = { kind: 'basic', username, password }
  else if (token) auth = { kind: 'bearer', token }
  else if (username || password) {
    throw new FieldError(
      username ? 'tracking-password' : 'tracking-username',
      "is missing: basic auth needs both 'tracking-username' and 'tracking-password'"
    )
  }

  const insecure =
    inputs['tracking-insecure-tls'] === true ||
    (env.MLFLOW_TRACKING_INSECURE_TLS ?? '').toLowerCase() === 'true'
  const caPath =
    nonEmpty(inputs['tracking-server-cert-path']) ?? nonEmpty(env.MLFLOW_TRACKING_SERVER_CERT_PATH)
  const clientPath =
    nonEmpty(inputs['tracking-client-cert-path']) ?? nonEmpty(env.MLFLOW_TRACKING_CLIENT_CERT_PATH)
  if (insecure && caPath) {
    // MLflow's own client refuses this combination too.
    throw new FieldError(
      'tracking-insecure-tls',
      "and 'tracking-server-cert-path' are both set; use one of them"
    )
  }
  const tls: TlsOptions = { insecure }
  if (caPath) tls.ca = readCert(readFile, caPath, 'tracking-server-cert-path')
  if (clientPath) tls.clientCert = readCert(readFile, clientPath, 'tracking-client-cert-path')

  const baseUrl = `${url.origin}${url.pathname.replace(/\/+$/, '')}`
  return { baseUrl, server: serverLabel(url), auth, tls }
}

function readCert(readFile: (path: string) => string, path: string, input: string): string {
  try {
    return readFile(path)
  } catch {
    throw new FieldError(input, `names '${path}', which cannot be read; check the path`)
  }
}

/** Values to mask before anything is logged. */
/**
 * The secrets a tracking URI may carry, to mask before anything is printed: its password and
 * its query values of 4 characters or more (some proxies take a token there). Empty when it is
 * not a URL; whoever needs the URI reports that.
 */
export function uriSecrets(uri: string | undefined): string[] {
  if (!uri?.trim()) return []
  try {
    const url = new URL(uri.trim())
    return [
      ...(url.password ? [decodeURIComponent(url.password)] : []),
      ...[...url.searchParams.values()].filter(value => value.length >= 4)
    ]
  } catch {
    return []
  }
}

export function connectionSecrets(connection: Connection): string[] {
  const { auth } = connection
  if (auth.kind === 'basic') {
    return [auth.password, Buffer.from(`${auth.username}:${auth.password}`).toString('base64')]
  }
  if (auth.kind === 'bearer') return [auth.token]
  return []
}

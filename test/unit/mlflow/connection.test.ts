import { describe, expect, it } from '@jest/globals'
import { connectionSecrets, resolveConnection } from '../../../src/mlflow/connection.js'

describe('resolveConnection', () => {
  it('prefers the input over MLFLOW_TRACKING_URI and keeps only scheme and host as the server label', () => {
    const c = resolveConnection(
      { 'tracking-uri': 'https://u:p@mlflow.example.com:8443/prefix/?x=1' },
      {
        MLFLOW_TRACKING_URI: 'http://other'
      }
    )
    expect(c.baseUrl).toBe('https://mlflow.example.com:8443/prefix')
    expect(c.server).toBe('https://mlflow.example.com:8443')
    expect(c.auth).toEqual({ kind: 'basic', username: 'u', password: 'p' })
  })

  it('follows MLflow: username and password win over a token', () => {
    const env = {
      MLFLOW_TRACKING_URI: 'http://h',
      MLFLOW_TRACKING_TOKEN: 't',
      MLFLOW_TRACKING_USERNAME: 'u',
      MLFLOW_TRACKING_PASSWORD: 'p'
    }
    expect(resolveConnection({}, env).auth.kind).toBe('basic')
    expect(
      resolveConnection({}, { MLFLOW_TRACKING_URI: 'http://h', MLFLOW_TRACKING_TOKEN: 't' }).auth
    ).toEqual({
      kind: 'bearer',
      token: 't'
    })
    expect(resolveConnection({ 'tracking-token': 'in' }, env).auth.kind).toBe('basic')
  })

  it('masks the password, the token and the encoded basic header', () => {
    const basic = resolveConnection(
      { 'tracking-uri': 'http://h', 'tracking-username': 'u', 'tracking-password': 'pw' },
      {}
    )
    expect(connectionSecrets(basic)).toEqual(['pw', Buffer.from('u:pw').toString('base64')])
  })

  it.each([
    [{}, {}, "'tracking-uri' is not set"],
    [{ 'tracking-uri': 'file:///tmp/mlruns' }, {}, "uses 'file:'"],
    [{ 'tracking-uri': 'not a url' }, {}, "'tracking-uri' is not a URL"],
    [
      { 'tracking-uri': 'http://h', 'tracking-username': 'u' },
      {},
      "'tracking-password' is missing"
    ],
    [
      { 'tracking-uri': 'http://h', 'tracking-insecure-tls': true },
      { MLFLOW_TRACKING_SERVER_CERT_PATH: '/ca.pem' },
      'both set'
    ]
  ])('refuses %j with a message naming the input', (inputs, env, message) => {
    expect(() => resolveConnection(inputs, env, () => 'PEM')).toThrow(message)
  })

  it('reads TLS settings from MLflow variables', () => {
    const c = resolveConnection(
      {},
      { MLFLOW_TRACKING_URI: 'https://h', MLFLOW_TRACKING_INSECURE_TLS: 'true' }
    )
    expect(c.tls.insecure).toBe(true)
    const withCa = resolveConnection(
      {},
      { MLFLOW_TRACKING_URI: 'https://h', MLFLOW_TRACKING_SERVER_CERT_PATH: '/ca' },
      p => `PEM:${p}`
    )
    expect(withCa.tls.ca).toBe('PEM:/ca')
  })
})

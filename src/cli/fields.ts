/**
 * How the CLI names a field in a message (see FieldError): as the option or environment
 * variable that sets it, so an error says what to change on the command line.
 */
const CLI_NAMES: Record<string, string> = {
  'policy-file': '--policy',
  file: '--file',
  'expected-sha256': '--expected-sha256',
  'tracking-uri': 'MLFLOW_TRACKING_URI',
  'tracking-token': 'MLFLOW_TRACKING_TOKEN',
  'tracking-username': 'MLFLOW_TRACKING_USERNAME',
  'tracking-password': 'MLFLOW_TRACKING_PASSWORD',
  'tracking-insecure-tls': 'MLFLOW_TRACKING_INSECURE_TLS',
  'tracking-server-cert-path': 'MLFLOW_TRACKING_SERVER_CERT_PATH',
  'tracking-client-cert-path': 'MLFLOW_TRACKING_CLIENT_CERT_PATH'
}

export function cliFieldName(field: string): string {
  return CLI_NAMES[field] ?? `--${field}`
}

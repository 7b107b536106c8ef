import { ActionError } from '../core/errors.js'

/** What a request was doing, for one-line error messages: "get model version", "registered model 'churn' version 7". */
export interface Operation {
  action: string
  object: string
}

/**
 * A tracking-server answer that is not success. The message is one line naming the error code,
 * the object and the server (scheme and host only, never credentials or paths).
 */
export class MlflowApiError extends ActionError {
  constructor(
    readonly errorCode: string,
    readonly status: number,
    readonly operation: Operation,
    readonly server: string,
    readonly serverMessage: string
  ) {
    super(MlflowApiError.describe(errorCode, status, operation, server, serverMessage))
  }

  static describe(
    code: string,
    status: number,
    op: Operation,
    server: string,
    serverMessage: string
  ): string {
    const detail = serverMessage ? ` (server said: ${oneLine(serverMessage)})` : ''
    switch (code) {
      case 'RESOURCE_DOES_NOT_EXIST':
        return `RESOURCE_DOES_NOT_EXIST: ${op.object} not found at ${server}`
      case 'UNAUTHENTICATED':
        return (
          `UNAUTHENTICATED: ${server} rejected the credentials while trying to ${op.action} ${op.object}; ` +
          'check tracking-username/tracking-password or tracking-token (MLFLOW_TRACKING_USERNAME, ' +
          'MLFLOW_TRACKING_PASSWORD, MLFLOW_TRACKING_TOKEN)'
        )
      case 'PERMISSION_DENIED':
        return (
          `PERMISSION_DENIED: the tracking user may not ${op.action} ${op.object} at ${server}; ` +
          'grant the permission in MLflow or use another account'
        )
      default:
        return `${code}: could not ${op.action} ${op.object} at ${server} (HTTP ${status})${detail}`
    }
  }
}

/** The server could not be reached, or kept failing after the bounded retries. */
export class MlflowUnavailableError extends ActionError {}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > 300 ? `${line.slice(0, 297)}...` : line
}

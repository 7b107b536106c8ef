import { MemoryLogger } from '../../../src/core/logger.js'
import { systemClock, type Clock } from '../../../src/core/time.js'
import type { RunContext } from '../../../src/github/context.js'
import { resolveConnection } from '../../../src/mlflow/connection.js'
import { MlflowHttp } from '../../../src/mlflow/http.js'
import { MlflowClient } from '../../../src/mlflow/index.js'
import type { RegistrationDeps, RegistrationRequest } from '../../../src/registration/index.js'

export const LOCK = '9f2c'.repeat(16)
export const MD5 = '4be1'.repeat(8)
export const PREFIX = 'model_governance.'

export const RUN: RunContext = {
  serverUrl: 'https://github.com',
  apiUrl: 'https://api.github.com',
  repository: 'acme/models',
  runId: '77',
  runUrl: 'https://github.com/acme/models/actions/runs/77',
  actor: 'octocat',
  triggeringActor: 'octocat',
  sha: '0123456789abcdef0123456789abcdef01234567'
}

/** The real client, with short backoff (local servers) but room for a loaded machine. */
export function realClient(
  uri: string,
  user?: { username: string; password: string }
): MlflowClient {
  const connection = resolveConnection(
    {
      'tracking-uri': uri,
      'tracking-username': user?.username,
      'tracking-password': user?.password
    },
    {}
  )
  return new MlflowClient(
    new MlflowHttp(connection, {
      logger: new MemoryLogger(),
      retry: {
        maxRetries: 3,
        baseDelayMs: 200,
        maxDelayMs: 2000,
        totalBudgetMs: 90_000,
        requestTimeoutMs: 30_000
      }
    })
  )
}

export function request(
  model: string,
  source: string,
  extra: Partial<RegistrationRequest> = {}
): RegistrationRequest {
  return {
    model,
    source,
    createModel: true,
    lineage: { lockSha256: LOCK, modelMd5: MD5 },
    tagPrefix: PREFIX,
    timeoutMs: 30_000,
    ...extra
  }
}

export function deps(
  client: MlflowClient,
  clock: Clock = systemClock
): RegistrationDeps & { logger: MemoryLogger } {
  return { registry: client, run: RUN, clock, logger: new MemoryLogger() }
}

export async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a failure, but the call succeeded')
}

/** What test/python/mlflow_dump.py reports of a model, as far as these tests read it. */
export interface DumpedModel {
  name: string
  versions: {
    version: string
    stage: string
    status: string
    run_id: string
    source: string
    tags: Record<string, string>
  }[]
}

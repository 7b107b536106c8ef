// What lineage-check asks of MLflow, apart from mlflow-link.ts so that locate-commit.ts can name
// it without importing mlflow-link.ts back (test/unit/import-cycles.test.ts).
import type { LocateClient } from '../artifacts/locate.js'
import type { ProxyClient } from '../artifacts/proxy-reader.js'
import type { LoggedModel, ModelVersion, Run } from '../mlflow/index.js'

/** The MLflow operations the model link needs: locating and reading a version's files too. */
export type LineageMlflow = LocateClient &
  ProxyClient & {
    getModelVersion(name: string, version: string): Promise<ModelVersion>
    getRun(runId: string): Promise<Run>
    getLoggedModel(modelId: string): Promise<LoggedModel>
  }

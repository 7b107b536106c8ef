"""Logs small sklearn models the way most people do with MLflow 3, and registers each:
`mlflow.sklearn.log_model(model, name="model")` in a run, then a version from
`runs:/<run>/model`. The store is whatever the server gives the experiment (direct or proxied).
Several models in one process, since each process pays MLflow's import and first requests.

usage: store_log_model.py <tracking-uri> <experiment> <model-name>...; prints a JSON list, one
per name: the run, the logged model and its artifact location, and the version and its source."""
import contextlib
import json
import sys

import mlflow
from sklearn.linear_model import LogisticRegression

uri, experiment, names = sys.argv[1], sys.argv[2], sys.argv[3:]
# MLflow prints "View run ..." lines on stdout; stdout carries only this script's JSON.
quiet = contextlib.redirect_stdout(sys.stderr)
quiet.__enter__()
mlflow.set_tracking_uri(uri)
mlflow.set_experiment(experiment)
X = [[0.0, 1.0], [1.0, 0.0], [0.5, 0.7], [0.9, 0.1], [0.1, 0.8], [0.8, 0.3]]
y = [0, 1, 0, 1, 0, 1]
client = mlflow.MlflowClient()
out = []
for i, name in enumerate(names):
    # A different model per name, so no two versions share their bytes.
    model = LogisticRegression(C=1.0 + i).fit(X, y)
    with mlflow.start_run() as run:
        info = mlflow.sklearn.log_model(model, name="model", pip_requirements=["scikit-learn==1.9.1"])
    mv = mlflow.register_model(f"runs:/{run.info.run_id}/model", name)
    logged = client.get_logged_model(info.model_id)
    out.append({
        "name": name,
        "run_id": run.info.run_id,
        "run_artifact_uri": run.info.artifact_uri,
        "model_id": info.model_id,
        "logged_model_artifact_uri": logged.artifact_location,
        "version": str(mv.version),
        # What the registry recorded: MLflow 3.17 stores models:/m-<id> for runs:/<run>/model.
        "source": client.get_model_version(name, mv.version).source,
    })
quiet.__exit__(None, None, None)
print(json.dumps(out))

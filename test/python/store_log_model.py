"""Logs a small sklearn model the way most people do with MLflow 3, and registers it:
`mlflow.sklearn.log_model(model, name="model")` in a run, then a version from
`runs:/<run>/model`. The store is whatever the server gives the experiment (direct or proxied).

usage: store_log_model.py <tracking-uri> <model-name> <experiment>; prints JSON: the run, the
logged model and its artifact location, and the version and its source."""
import contextlib
import json
import sys

import mlflow
from sklearn.linear_model import LogisticRegression

uri, name, experiment = sys.argv[1], sys.argv[2], sys.argv[3]
# MLflow prints "View run ..." lines on stdout; stdout carries only this script's JSON.
quiet = contextlib.redirect_stdout(sys.stderr)
quiet.__enter__()
mlflow.set_tracking_uri(uri)
mlflow.set_experiment(experiment)
X = [[0.0, 1.0], [1.0, 0.0], [0.5, 0.7], [0.9, 0.1], [0.1, 0.8], [0.8, 0.3]]
y = [0, 1, 0, 1, 0, 1]
model = LogisticRegression().fit(X, y)
with mlflow.start_run() as run:
    info = mlflow.sklearn.log_model(model, name="model", pip_requirements=["scikit-learn==1.9.1"])
mv = mlflow.register_model(f"runs:/{run.info.run_id}/model", name)
client = mlflow.MlflowClient()
logged = client.get_logged_model(info.model_id)
source = client.get_model_version(name, mv.version).source
quiet.__exit__(None, None, None)
print(json.dumps({
    "run_id": run.info.run_id,
    "run_artifact_uri": run.info.artifact_uri,
    "model_id": info.model_id,
    "logged_model_artifact_uri": logged.artifact_location,
    "version": str(mv.version),
    "source": source,
}))

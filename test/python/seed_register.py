"""Registers a run's logged model the seed's way: create_model_version(source=runs:/<run>/model).

usage: seed_register.py <model-name> <run-id>  (MLFLOW_TRACKING_URI set); prints JSON."""
import json
import sys

import mlflow

name, run_id = sys.argv[1], sys.argv[2]
client = mlflow.MlflowClient()
try:
    client.get_registered_model(name)
except mlflow.exceptions.MlflowException:
    client.create_registered_model(name)
mv = client.create_model_version(name, source=f"runs:/{run_id}/model", run_id=run_id)
print(json.dumps({"version": str(mv.version), "run_id": run_id}))

"""Registers the model the train stage logged, as the seed does: a version whose source is
runs:/<run_id>/model. Run after `dvc repro` and `git commit`. Prints the version as JSON."""
import json, sys
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

name = sys.argv[1]
run_id = json.load(open("train_run.json"))["run_id"]
client = MlflowClient()
try:
    client.create_registered_model(name)
except MlflowException as error:
    if error.error_code != "RESOURCE_ALREADY_EXISTS":
        raise
version = client.create_model_version(name, source=f"runs:/{run_id}/model", run_id=run_id)
tags = client.get_run(run_id).data.tags
print(json.dumps({"version": version.version, "run_id": run_id,
                  "run_commit": tags.get("mlflow.source.git.commit")}))

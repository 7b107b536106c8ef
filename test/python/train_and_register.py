"""A user's training script, run from the project's own git checkout: MLflow's fluent client
records the run's user (getpass: LOGNAME/USER) and the source commit (mlflow.source.git.commit)
itself, as it does for real training code. Logs the DVC-built model file and registers it.

usage: train_and_register.py <tracking-uri> <model-name> <model-file>; prints JSON."""
import json
import sys

import mlflow

uri, name, model_file = sys.argv[1], sys.argv[2], sys.argv[3]
mlflow.set_tracking_uri(uri)
mlflow.set_experiment("two-am-training")
with mlflow.start_run() as run:
    mlflow.log_param("model_file", model_file)
    mlflow.log_metric("accuracy", 0.9)
    mlflow.log_artifact(model_file, "model")
    info = run.info
client = mlflow.MlflowClient()
tags = client.get_run(info.run_id).data.tags
# MLflow 3's register_model("runs:/...") wants a logged model; a plain artifact folder is
# registered the way MLflow 2 did it, from the run's artifact location.
try:
    client.get_registered_model(name)
except mlflow.exceptions.MlflowException:
    client.create_registered_model(name)
mv = client.create_model_version(name, f"{info.artifact_uri}/model", run_id=info.run_id)
print(json.dumps({
    "run_id": info.run_id,
    "user": info.user_id,
    "start_time": info.start_time,
    "commit": tags.get("mlflow.source.git.commit"),
    "version": str(mv.version),
}))

"""The most common pattern there is: mlflow.sklearn.log_model(model, "model") in a run, then a
version registered from runs:/<run>/model (MlflowClient.create_model_version, source kept as
given). Prints JSON {name, version, run_id}.

usage: log_model_version.py <tracking-uri> <experiment> <model-name>
"""
import json
import os
import sys
import warnings

warnings.filterwarnings("ignore")
os.environ.setdefault("MLFLOW_ENABLE_ASYNC_LOGGING", "false")
import mlflow  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

out, sys.stdout = sys.stdout, sys.stderr
uri, experiment, name = sys.argv[1:4]
mlflow.set_tracking_uri(uri)
mlflow.set_experiment(experiment)
rng = np.random.default_rng(3)
X = rng.normal(size=(30, 2))
model = LogisticRegression().fit(X, (X[:, 0] > 0).astype(int))
with mlflow.start_run() as run:
    # Named requirements: inferring them loads the model in another Python process (slow, same files).
    mlflow.sklearn.log_model(model, name="model", pip_requirements=["scikit-learn"])
client = mlflow.MlflowClient()
client.create_registered_model(name)
mv = client.create_model_version(name, f"runs:/{run.info.run_id}/model", run_id=run.info.run_id)
json.dump({"name": name, "version": str(mv.version), "run_id": run.info.run_id}, out)

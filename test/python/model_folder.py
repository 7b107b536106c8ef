"""Saves a small scikit-learn model as an MLflow model folder (mlflow.sklearn.save_model, MLflow
3.17's default serialisation) and logs it as the run's artifact `model` with log_artifacts; also
logs any extra folders given. Prints JSON {run_id}.

usage: model_folder.py <tracking-uri> <experiment> <model-dir> [<name>=<folder> ...]
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
uri, experiment, model_dir, *extra = sys.argv[1:]
mlflow.set_tracking_uri(uri)
mlflow.set_experiment(experiment)
rng = np.random.default_rng(5)
X = rng.normal(size=(30, 2))
model = LogisticRegression().fit(X, (X[:, 0] > 0).astype(int))
# Named requirements: inferring them loads the model in another Python process (slow, same files).
mlflow.sklearn.save_model(model, model_dir, pip_requirements=["scikit-learn"])
with mlflow.start_run() as run:
    mlflow.log_artifacts(model_dir, "model")
    for pair in extra:
        name, folder = pair.split("=", 1)
        mlflow.log_artifacts(folder, name)
json.dump({"run_id": run.info.run_id}, out)

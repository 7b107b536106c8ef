"""The `train` stage, as the seed trains: fits the churn classifier from data/train.csv with the
params in params.yaml, writes DVC's output model/model.pkl, and logs the model to MLflow with
mlflow.sklearn.log_model inside this same `dvc repro` (MLflow 3's default: the flavour serialises
the model again, in a folder of its own). MLflow's client records the commit checked out, which is
the one before `git commit` adds this dvc.lock. train_run.json names the run for the validate
stage and for registration."""
import json, os, pickle
import mlflow
import numpy as np
import yaml
from sklearn.ensemble import RandomForestClassifier

params = yaml.safe_load(open("params.yaml"))["train"]
data = np.loadtxt("data/train.csv", delimiter=",", skiprows=1)
X, y = data[:, :-1], data[:, -1].astype(int)
model = RandomForestClassifier(n_estimators=params["n_estimators"], max_depth=params["max_depth"],
                               random_state=params["seed"], n_jobs=1).fit(X, y)
os.makedirs("model", exist_ok=True)
with open("model/model.pkl", "wb") as f:
    pickle.dump(model, f)
metrics = {"train_accuracy": round(float(model.score(X, y)), 4)}
json.dump({"train": {"accuracy": metrics["train_accuracy"]}}, open("metrics.json", "w"), indent=2)

mlflow.set_experiment(os.environ.get("MLFLOW_EXPERIMENT_NAME", "churn-demo"))
with mlflow.start_run() as run:
    mlflow.log_params(params)
    mlflow.log_metrics(metrics)
    # The demo made this forest itself, so its tree type is trusted for skops serialisation.
    mlflow.sklearn.log_model(model, name="model", pip_requirements=["scikit-learn==1.9.1"],
                             skops_trusted_types=["sklearn.tree._tree.Tree"])
json.dump({"run_id": run.info.run_id}, open("train_run.json", "w"), indent=2)

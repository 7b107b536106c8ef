"""The seed's training code, as a new user writes it: the `train` stage of dvc.yaml, run by
`dvc repro`. It trains inside an MLflow run, logs the model with `mlflow.sklearn.log_model`
(MLflow 3: a logged model of its own, serialised by MLflow) and writes DVC's output
models/model.pkl and metrics.json. The test turns the marked line into
`mlflow.log_artifact("models/model.pkl")` (DVC's own model file), which level 2 looks for.

The run id is appended to the file named by SEED_RUN_LOG (outside the project), for the test."""
import json
import os
import pickle

import mlflow
import yaml
from sklearn.linear_model import LogisticRegression

params = yaml.safe_load(open("params.yaml"))["train"]
rows = [line.split(",") for line in open("data/train.csv").read().splitlines()[1:]]
X = [[float(a), float(b)] for a, b, _ in rows]
y = [int(c) for _, _, c in rows]
model = LogisticRegression(C=params["C"], max_iter=200).fit(X, y)
accuracy = float(model.score(X, y))

os.makedirs("models", exist_ok=True)
with open("models/model.pkl", "wb") as f:
    pickle.dump(model, f)
with open("metrics.json", "w") as f:
    json.dump({"accuracy": accuracy}, f)

mlflow.set_experiment("seed-flow")
with mlflow.start_run() as run:
    mlflow.log_params(params)
    mlflow.log_metric("accuracy", accuracy)
    mlflow.sklearn.log_model(model, "model")
    # LOG_DVC_FILE
    with open(os.environ["SEED_RUN_LOG"], "a") as log:
        log.write(run.info.run_id + "\n")

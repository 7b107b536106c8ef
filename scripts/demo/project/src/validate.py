"""The `validate` stage: scores the model on data/test.csv, writes validation.json (the gate's
evidence) and logs the same metrics to the training run, where validate-metrics reads them."""
import json, pickle
import mlflow
import numpy as np
from sklearn.metrics import accuracy_score, f1_score

model = pickle.load(open("model/model.pkl", "rb"))
data = np.loadtxt("data/test.csv", delimiter=",", skiprows=1)
X, y = data[:, :-1], data[:, -1].astype(int)

predicted = model.predict(X)
metrics = {"accuracy": round(float(accuracy_score(y, predicted)), 4),
           "f1": round(float(f1_score(y, predicted)), 4)}
json.dump(metrics, open("validation.json", "w"), indent=2)
run_id = json.load(open("train_run.json"))["run_id"]
with mlflow.start_run(run_id=run_id):
    mlflow.log_metrics(metrics)

"""Trains the churn classifier from data/train.csv with the params in params.yaml."""
import json, os, pickle
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
json.dump({"train": {"accuracy": round(float(model.score(X, y)), 4)}}, open("metrics.json", "w"), indent=2)

"""Scores the model on data/test.csv and writes validation.json (the gate's evidence)."""
import json, pickle
import numpy as np
from sklearn.metrics import accuracy_score, f1_score

model = pickle.load(open("model/model.pkl", "rb"))
data = np.loadtxt("data/test.csv", delimiter=",", skiprows=1)
X, y = data[:, :-1], data[:, -1].astype(int)

predicted = model.predict(X)

json.dump({"accuracy": round(float(accuracy_score(y, predicted)), 4),
           "f1": round(float(f1_score(y, predicted)), 4)},
          open("validation.json", "w"), indent=2)

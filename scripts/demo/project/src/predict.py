"""The serving side's two lines: loads the folder `model-governance resolve --download` verified
with mlflow.pyfunc.load_model (no registry, no credentials) and predicts the first test rows."""
import json, sys
import mlflow
import numpy as np

model = mlflow.pyfunc.load_model(sys.argv[1])
rows = np.loadtxt("data/test.csv", delimiter=",", skiprows=1)[:5, :-1]
print(json.dumps({"predictions": [int(p) for p in model.predict(rows)]}))

"""Generates the demo's dataset: a small synthetic churn table, split into train and test."""
import csv, os
import yaml
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

params = yaml.safe_load(open("params.yaml"))["prepare"]
X, y = make_classification(n_samples=params["samples"], n_features=12, n_informative=6,
                           flip_y=params["label_noise"], class_sep=1.2, random_state=params["seed"])
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=params["seed"])
os.makedirs("data", exist_ok=True)
for name, features, labels in (("train", X_train, y_train), ("test", X_test, y_test)):
    with open(f"data/{name}.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([f"f{i}" for i in range(features.shape[1])] + ["churned"])
        for row, label in zip(features, labels):
            writer.writerow([f"{v:.6f}" for v in row] + [int(label)])

"""Trains a tiny scikit-learn model, saves it as an MLflow model directory (the DVC output a
pipeline would write) and logs that directory as the run's artifact `model`, with MLflow's own
client. Prints JSON: the run id, DVC's .dir hash of the saved directory (computed here the way
dvc-data builds it: md5 of each file, json.dumps of the sorted relpath/md5 list), each file's
md5, and the model's predictions on a few rows, for the serving side to compare with.

Usage: python serving_model.py <tracking-uri> <experiment> <workdir>
"""
import hashlib
import json
import os
import sys
import warnings

warnings.filterwarnings("ignore")
os.environ.setdefault("MLFLOW_ENABLE_ASYNC_LOGGING", "false")
import mlflow  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402


def md5_file(path: str) -> str:
    h = hashlib.md5()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def main() -> None:
    out, sys.stdout = sys.stdout, sys.stderr
    uri, experiment, workdir = sys.argv[1:4]
    mlflow.set_tracking_uri(uri)
    mlflow.set_experiment(experiment)
    rng = np.random.default_rng(7)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    model = LogisticRegression().fit(X, y)
    model_dir = os.path.join(workdir, "model")
    mlflow.sklearn.save_model(model, model_dir, serialization_format="cloudpickle")
    files = {}
    for dirpath, _, names in os.walk(model_dir):
        for name in names:
            full = os.path.join(dirpath, name)
            files[os.path.relpath(full, model_dir).replace(os.sep, "/")] = md5_file(full)
    manifest = [{"md5": files[rel], "relpath": rel} for rel in sorted(files)]
    dir_md5 = hashlib.md5(json.dumps(manifest, sort_keys=True).encode()).hexdigest() + ".dir"
    with mlflow.start_run() as run:
        mlflow.log_artifacts(model_dir, "model")
    rows = X[:5]
    json.dump(
        {
            "run_id": run.info.run_id,
            "md5": dir_md5,
            "files": files,
            "rows": rows.tolist(),
            "predictions": model.predict(rows).tolist(),
        },
        out,
    )


if __name__ == "__main__":
    main()

"""Logs a scikit-learn model with mlflow.sklearn.log_model(model, "model") and registers it from
runs:/<run>/model, the most common pattern there is; then downloads the version back with
MLflow's own client (models:/<name>/<version>) and hashes each file: the oracle the suite's
digest is compared with.

usage: sklearn_version.py <tracking-uri> <experiment> <model-name> <count> <workdir>; prints JSON
[{name, version, run_id, source, files: {relpath: sha256}}] (one entry per version).
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


def tree(root: str) -> dict:
    out = {}
    for dirpath, _, names in os.walk(root):
        for name in names:
            full = os.path.join(dirpath, name)
            with open(full, "rb") as fh:
                digest = hashlib.sha256(fh.read()).hexdigest()
            out[os.path.relpath(full, root).replace(os.sep, "/")] = digest
    return out


def main() -> None:
    out, sys.stdout = sys.stdout, sys.stderr
    uri, experiment, name, count, workdir = sys.argv[1:6]
    mlflow.set_tracking_uri(uri)
    mlflow.set_experiment(experiment)
    client = mlflow.MlflowClient()
    client.create_registered_model(name)
    rng = np.random.default_rng(5)
    versions = []
    for i in range(int(count)):
        X = rng.normal(size=(40, 3))
        y = (X[:, i % 3] > 0).astype(int)
        with mlflow.start_run() as run:
            mlflow.sklearn.log_model(LogisticRegression().fit(X, y), "model")
        source = f"runs:/{run.info.run_id}/model"
        mv = client.create_model_version(name, source, run_id=run.info.run_id)
        target = os.path.join(workdir, f"v{mv.version}")
        local = mlflow.artifacts.download_artifacts(f"models:/{name}/{mv.version}", dst_path=target)
        # MLflow 3's RunsArtifactRepository downloads a logged model named by runs:/<run>/model
        # into <dst>/model and returns <dst> (the run's own, empty folder).
        if os.listdir(local) == ["model"]:
            local = os.path.join(local, "model")
        files = tree(local)
        # Written by the download itself (the version's name and number), never in the store.
        files.pop("registered_model_meta", None)
        versions.append(
            {
                "name": name,
                "version": str(mv.version),
                "run_id": run.info.run_id,
                "source": source,
                "files": files,
            }
        )
    json.dump(versions, out)


if __name__ == "__main__":
    main()

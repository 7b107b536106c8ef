"""Logs and registers a model version in each way people do, with MLflow's own client, and
downloads each version back with MLflow's own client (mlflow.artifacts.download_artifacts of
`models:/<name>/<version>`): the files MLflow's client resolves a version to, and their sha256,
are the oracle the suite's locate, list and digest are compared with.

Patterns (each its own registered model, name prefix + pattern):
  sklearn_runs      mlflow.sklearn.log_model(model, "model"); create_model_version from runs:/<run>/model
  sklearn_register  the same model logged again, mlflow.register_model("runs:/<run>/model")
  logged_model      log_model(..., registered_model_name=...): source models:/m-<id>
  folder            log_artifacts of a folder (nested dirs, an empty file, a unicode name);
                    create_model_version from runs:/<run>/bundle
  saved_model       mlflow.sklearn.save_model + log_artifacts(dir, "model"), mlflow.register_model:
                    MLflow stores the resolved mlflow-artifacts:/ URI as the source
  single_file       log_artifact of one file; create_model_version from runs:/<run>/model.pkl

usage: artifact_patterns.py <tracking-uri> <experiment> <name-prefix> <workdir>; prints JSON
{pattern: {name, version, source, run_id, files: {relpath: sha256}, kind}}.
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


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def tree(root: str) -> dict:
    if os.path.isfile(root):
        return {os.path.basename(root): sha256_file(root)}
    out = {}
    for dirpath, _, names in os.walk(root):
        for name in names:
            full = os.path.join(dirpath, name)
            out[os.path.relpath(full, root).replace(os.sep, "/")] = sha256_file(full)
    return out


def main() -> None:
    out, sys.stdout = sys.stdout, sys.stderr
    uri, experiment, prefix, workdir = sys.argv[1:5]
    mlflow.set_tracking_uri(uri)
    mlflow.set_experiment(experiment)
    client = mlflow.MlflowClient()
    rng = np.random.default_rng(11)
    X = rng.normal(size=(40, 3))
    y = (X[:, 0] > 0).astype(int)
    model = LogisticRegression().fit(X, y)
    versions = {}
    # Named requirements: MLflow otherwise infers them by loading the model in a new Python
    # process per log_model (60-80 s each on a busy 2-core machine); the files are the same.
    reqs = {"pip_requirements": ["scikit-learn"]}

    def create(pattern: str, source: str, run_id: str):
        name = f"{prefix}-{pattern}"
        client.create_registered_model(name)
        mv = client.create_model_version(name, source, run_id=run_id)
        versions[pattern] = (name, mv.version, run_id)

    with mlflow.start_run() as run:
        mlflow.sklearn.log_model(model, name="model", **reqs)
    create("sklearn_runs", f"runs:/{run.info.run_id}/model", run.info.run_id)

    with mlflow.start_run() as run:
        mlflow.sklearn.log_model(model, name="model", **reqs)
    mv = mlflow.register_model(f"runs:/{run.info.run_id}/model", f"{prefix}-sklearn_register")
    versions["sklearn_register"] = (mv.name, mv.version, run.info.run_id)

    with mlflow.start_run() as run:
        info = mlflow.sklearn.log_model(
            model, name="model", registered_model_name=f"{prefix}-logged_model", **reqs
        )
    versions["logged_model"] = (f"{prefix}-logged_model", str(info.registered_model_version), run.info.run_id)

    bundle = os.path.join(workdir, "bundle")
    os.makedirs(os.path.join(bundle, "weights", "shards"))
    with open(os.path.join(bundle, "MLmodel.txt"), "w") as fh:
        fh.write("flavors: {}\n")
    open(os.path.join(bundle, "empty.bin"), "wb").close()
    with open(os.path.join(bundle, "weights", "shards", "part-0.bin"), "wb") as fh:
        fh.write(os.urandom(300_000))
    with open(os.path.join(bundle, "weights", "modèle-é.txt"), "w", encoding="utf-8") as fh:
        fh.write("unicode name\n")
    with mlflow.start_run() as run:
        mlflow.log_artifacts(bundle, "bundle")
    create("folder", f"runs:/{run.info.run_id}/bundle", run.info.run_id)

    saved = os.path.join(workdir, "saved")
    mlflow.sklearn.save_model(model, saved, **reqs)
    with mlflow.start_run() as run:
        mlflow.log_artifacts(saved, "model")
    mv = mlflow.register_model(f"runs:/{run.info.run_id}/model", f"{prefix}-saved_model")
    versions["saved_model"] = (mv.name, mv.version, run.info.run_id)

    single = os.path.join(workdir, "model.pkl")
    with open(single, "wb") as fh:
        fh.write(os.urandom(5000))
    with mlflow.start_run() as run:
        mlflow.log_artifact(single)
    create("single_file", f"runs:/{run.info.run_id}/model.pkl", run.info.run_id)

    result = {}
    for pattern, (name, version, run_id) in versions.items():
        dst = os.path.join(workdir, "download", pattern)
        os.makedirs(dst)
        mv = client.get_model_version(name, version)
        local = mlflow.artifacts.download_artifacts(artifact_uri=f"models:/{name}/{version}", dst_path=dst)
        # For runs:/<run>/<name> naming a logged model, MLflow 3.17's RunsArtifactRepository
        # downloads the model into <dst>/<name> and returns <dst> (the run's own, empty folder).
        logged = os.path.join(local, mv.source.rsplit("/", 1)[-1])
        if mv.source.startswith("runs:/") and os.listdir(local) == [os.path.basename(logged)]:
            local = logged
        # MLflow's client writes registered_model_meta into what it downloads for models:/ URIs
        # (models_artifact_repo.py); it is not in the store.
        meta = os.path.join(local, "registered_model_meta")
        if os.path.isfile(meta):
            os.remove(meta)
        # MLflow's client downloads nothing for a single file registered from runs:/<run>/<file>
        # (it lists the file as an empty folder); the oracle is then the file that was logged.
        if pattern == "single_file":
            assert os.listdir(local) == [], os.listdir(local)
            local = single
        result[pattern] = {
            "name": name,
            "version": str(version),
            "source": mv.source,
            "run_id": run_id,
            "model_id": getattr(mv, "model_id", None),
            "kind": "file" if os.path.isfile(local) else "dir",
            "files": tree(local),
        }
    json.dump(result, out)


if __name__ == "__main__":
    main()

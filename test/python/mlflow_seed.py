"""Writes test data with MLflow's own Python client, so our client is checked against what MLflow wrote.

Usage: python mlflow_seed.py <tracking-uri>  < plan.json  > result.json

The plan is a JSON list of operations; each result is appended to the output list in order:
  {"op": "run", "experiment": "e", "metrics": {"acc": [0.8, 0.9]}, "params": {}, "tags": {}}
      -> {"run_id": ...}                 (metric lists are logged as steps 0..n-1)
      optional "files": {"relpath": "<base64>"} logged under "files_path" (default "model")
      optional "status": "FINISHED" (default) | "FAILED" | "KILLED" | "RUNNING" (left running)
  {"op": "register", "name": "m", "run": <index of an earlier run op> | "run_id": "...",
   "path": "model", "artifact": true}    -> {"version": "1", "run_id": ..., "source": ...}
  {"op": "logged_model", "name": "m", "run": <index>, "metrics": {"acc": 0.9}, "register": true}
      -> {"model_id": ..., "version": ...}
  {"op": "transition", "name": "m", "version": "1", "stage": "Production", "archive": true}
  {"op": "alias", "name": "m", "alias": "champion", "version": "1"}
  {"op": "delete_alias", "name": "m", "alias": "champion"}
  {"op": "create_model", "name": "m"}
  {"op": "version_tag", "name": "m", "version": "1", "key": "k", "value": "v"}
Credentials come from MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD as usual.
"""
import json
import os
import sys
import tempfile
import warnings

warnings.filterwarnings("ignore")
os.environ.setdefault("MLFLOW_ENABLE_ASYNC_LOGGING", "false")
import mlflow  # noqa: E402
from mlflow import MlflowClient  # noqa: E402


def main() -> None:
    # MLflow prints run links to stdout; keep stdout for the JSON result alone.
    out, sys.stdout = sys.stdout, sys.stderr
    uri = sys.argv[1]
    mlflow.set_tracking_uri(uri)
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    plan = json.load(sys.stdin)
    results: list = []
    for op in plan:
        kind = op["op"]
        if kind == "run":
            exp_name = op.get("experiment", "model-governance-tests")
            exp = client.get_experiment_by_name(exp_name)
            exp_id = exp.experiment_id if exp else client.create_experiment(exp_name)
            run = client.create_run(exp_id, tags=op.get("tags", {}))
            rid = run.info.run_id
            for key, values in op.get("metrics", {}).items():
                values = values if isinstance(values, list) else [values]
                for step, value in enumerate(values):
                    client.log_metric(rid, key, float(value), step=step, timestamp=1_700_000_000_000 + step)
            for key, value in op.get("params", {}).items():
                client.log_param(rid, key, value)
            if op.get("artifact", True):
                with tempfile.TemporaryDirectory() as tmp:
                    model_dir = os.path.join(tmp, op.get("path", "model"))
                    os.makedirs(model_dir)
                    with open(os.path.join(model_dir, "MLmodel"), "w") as fh:
                        fh.write("flavors: {}\n")
                    with open(os.path.join(model_dir, "model.bin"), "wb") as fh:
                        fh.write(op.get("content", rid).encode())
                    client.log_artifacts(rid, model_dir, op.get("path", "model"))
            if op.get("files"):
                # {"files": {"relpath": "<base64 bytes>"}, "files_path": "model"}: exact bytes
                import base64
                with tempfile.TemporaryDirectory() as tmp:
                    for rel, data in op["files"].items():
                        os.makedirs(os.path.dirname(os.path.join(tmp, rel)) or tmp, exist_ok=True)
                        with open(os.path.join(tmp, rel), "wb") as fh:
                            fh.write(base64.b64decode(data))
                    client.log_artifacts(rid, tmp, op.get("files_path", "model"))
            status = op.get("status", "FINISHED")
            if status != "RUNNING":
                client.set_terminated(rid, status=status)
            results.append({"run_id": rid})
        elif kind == "create_model":
            client.create_registered_model(op["name"])
            results.append({"name": op["name"]})
        elif kind == "register":
            rid = op.get("run_id") or results[op["run"]]["run_id"]
            try:
                client.get_registered_model(op["name"])
            except Exception:
                client.create_registered_model(op["name"])
            mv = client.create_model_version(
                op["name"], f"runs:/{rid}/{op.get('path', 'model')}", run_id=rid
            )
            results.append({"version": str(mv.version), "run_id": rid, "source": mv.source})
        elif kind == "logged_model":
            rid = results[op["run"]]["run_id"] if "run" in op else None
            exp_id = client.get_run(rid).info.experiment_id if rid else "0"
            lm = mlflow.initialize_logged_model(name=op.get("model_name", "model"), source_run_id=rid, experiment_id=exp_id)
            for key, value in op.get("metrics", {}).items():
                client.log_metric(rid, key, float(value), step=0, model_id=lm.model_id) if rid else None
            mlflow.finalize_logged_model(lm.model_id, "READY")
            # not `out`: that name holds the real stdout the JSON result is written to
            logged = {"model_id": lm.model_id}
            if op.get("register", True):
                try:
                    client.get_registered_model(op["name"])
                except Exception:
                    client.create_registered_model(op["name"])
                mv = client.create_model_version(op["name"], f"models:/{lm.model_id}", run_id=rid, model_id=lm.model_id)
                logged.update({"version": str(mv.version), "source": mv.source, "run_id": rid})
            results.append(logged)
        elif kind == "transition":
            mv = client.transition_model_version_stage(
                op["name"], op["version"], op["stage"], archive_existing_versions=op.get("archive", False)
            )
            results.append({"version": str(mv.version), "stage": mv.current_stage})
        elif kind == "alias":
            client.set_registered_model_alias(op["name"], op["alias"], op["version"])
            results.append({})
        elif kind == "delete_alias":
            client.delete_registered_model_alias(op["name"], op["alias"])
            results.append({})
        elif kind == "version_tag":
            client.set_model_version_tag(op["name"], op["version"], op["key"], op["value"])
            results.append({})
        else:
            raise SystemExit(f"unknown op {kind}")
    json.dump(results, out)


if __name__ == "__main__":
    main()

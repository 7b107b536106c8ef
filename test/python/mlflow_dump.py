"""Dumps a registered model's full state with MLflow's Python client, as JSON, for before/after comparisons.

Usage: python mlflow_dump.py <tracking-uri> <model-name> [<model-name> ...]
With several names the output is an object keyed by name (one process instead of one per model).
"""
import json
import sys
import warnings

warnings.filterwarnings("ignore")
from mlflow import MlflowClient  # noqa: E402


def main() -> None:
    # MLflow prints run links to stdout; keep stdout for the JSON result alone.
    out, sys.stdout = sys.stdout, sys.stderr
    uri, names = sys.argv[1], sys.argv[2:]
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    if len(names) > 1:
        json.dump({name: dump(client, name) for name in names}, out, sort_keys=True)
    else:
        json.dump(dump(client, names[0]), out, sort_keys=True)


def dump(client: MlflowClient, name: str) -> dict:
    model = client.get_registered_model(name)
    versions = client.search_model_versions(f"name='{name}'")
    state = {
        "name": model.name,
        "aliases": dict(sorted((model.aliases or {}).items())),
        "tags": dict(sorted((model.tags or {}).items())),
        "versions": sorted(
            (
                {
                    "version": str(v.version),
                    "stage": v.current_stage,
                    "status": v.status,
                    "run_id": v.run_id,
                    "source": v.source,
                    "last_updated_timestamp": v.last_updated_timestamp,
                    "tags": dict(sorted((client.get_model_version(name, v.version).tags or {}).items())),
                    "aliases": sorted(client.get_model_version(name, v.version).aliases or []),
                }
                for v in versions
            ),
            key=lambda v: int(v["version"]),
        ),
    }
    return state


if __name__ == "__main__":
    main()

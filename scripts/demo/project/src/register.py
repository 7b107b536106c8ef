"""Logs the trained model to MLflow with its params and validation metrics, tags the run with the
git commit whose dvc.lock produced it, and registers it as a new version. Prints the version."""
import json, pickle, subprocess, sys
import mlflow
import yaml

model_name, experiment = sys.argv[1], sys.argv[2]
commit = subprocess.check_output(["git", "rev-parse", "HEAD"], text=True).strip()
mlflow.set_experiment(experiment)
with mlflow.start_run(tags={"mlflow.source.git.commit": commit}) as run:
    mlflow.log_params(yaml.safe_load(open("params.yaml"))["train"])
    mlflow.log_metrics(json.load(open("validation.json")))
    model = pickle.load(open("model/model.pkl", "rb"))
    # The demo made this forest itself, so its tree type is trusted for skops serialisation.
    info = mlflow.sklearn.log_model(model, name="model", registered_model_name=model_name,
                                    pip_requirements=["scikit-learn==1.9.1"],
                                    skops_trusted_types=["sklearn.tree._tree.Tree"])
print(info.registered_model_version)

"""Logs the trained model to MLflow with its params and validation metrics and tags the run with
the git commit whose dvc.lock produced it. It does not register the model: promote-model does
that from the logged model. Prints the run id and the logged model's URI as JSON."""
import json, pickle, subprocess, sys
import mlflow
import yaml

experiment = sys.argv[1]
commit = subprocess.check_output(["git", "rev-parse", "HEAD"], text=True).strip()
mlflow.set_experiment(experiment)
with mlflow.start_run(tags={"mlflow.source.git.commit": commit}) as run:
    mlflow.log_params(yaml.safe_load(open("params.yaml"))["train"])
    mlflow.log_metrics(json.load(open("validation.json")))
    model = pickle.load(open("model/model.pkl", "rb"))
    # The demo made this forest itself, so its tree type is trusted for skops serialisation.
    info = mlflow.sklearn.log_model(model, name="model",
                                    pip_requirements=["scikit-learn==1.9.1"],
                                    skops_trusted_types=["sklearn.tree._tree.Tree"])
print(json.dumps({"run_id": run.info.run_id, "model_uri": info.model_uri}))

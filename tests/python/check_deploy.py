"""Loads what `wasmprep deploy` generated with the tools that will read it.

  check_deploy.py azureml DIR      job.yml and environment/environment.yml with
                                   azure-ai-ml's own loaders (the Azure ML SDK)
  check_deploy.py kubernetes DIR   mpijob.yaml as YAML (the MPI Operator's job)

Prints a JSON summary of what the loaders read, for the test to check; a
loader's error (a missing `code:` directory, a malformed field) exits 1.
"""

import json
import os
import sys

import yaml


def azureml(d):
    from azure.ai.ml import MpiDistribution, load_environment, load_job

    job = load_job(os.path.join(d, "job.yml"))
    env = load_environment(os.path.join(d, "environment", "environment.yml"))
    build = os.path.join(d, "environment", env.build.path)
    return {
        "type": job.type,
        "mpi": isinstance(job.distribution, MpiDistribution),
        "process_count_per_instance": job.distribution.process_count_per_instance,
        "instance_count": job.resources.instance_count,
        "code": os.path.normpath(os.path.join(d, job.code)),
        "environment": job.environment,
        "compute": job.compute,
        "experiment": job.experiment_name,
        "command": " ".join(job.command.split()),
        "input": {"type": job.inputs["input"].type, "path": job.inputs["input"].path,
                  "mode": job.inputs["input"].mode},
        "output": {"type": job.outputs["output"].type, "mode": job.outputs["output"].mode},
        "tags": job.tags,
        "env": {"name": env.name, "version": env.version,
                "dockerfile": os.path.normpath(os.path.join(build, env.build.dockerfile_path))},
    }


def kubernetes(d):
    with open(os.path.join(d, "mpijob.yaml")) as f:
        job = yaml.safe_load(f)
    spec = job["spec"]
    launcher = spec["mpiReplicaSpecs"]["Launcher"]["template"]["spec"]["containers"][0]
    worker = spec["mpiReplicaSpecs"]["Worker"]["template"]["spec"]
    return {
        "api": job["apiVersion"],
        "kind": job["kind"],
        "name": job["metadata"]["name"],
        "slots": spec["slotsPerWorker"],
        "workers": spec["mpiReplicaSpecs"]["Worker"]["replicas"],
        "launcher": {"image": launcher["image"], "command": launcher["command"],
                     "env": {e["name"]: e["value"] for e in launcher.get("env", [])}},
        "worker": {"image": worker["containers"][0]["image"],
                   "command": worker["containers"][0]["command"],
                   "env": {e["name"]: e["value"] for e in worker["containers"][0].get("env", [])},
                   "mounts": worker["containers"][0]["volumeMounts"],
                   "claim": worker["volumes"][0]["persistentVolumeClaim"]["claimName"]},
    }


def main():
    kind, d = sys.argv[1], sys.argv[2]
    print(json.dumps({"azureml": azureml, "kubernetes": kubernetes}[kind](d)))


if __name__ == "__main__":
    main()

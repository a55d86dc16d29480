"""Loads the NYC-taxi deployment files with the tools that will read them.

  check_deploy.py REPO_ROOT

- jobs/nyc-taxi/azureml/job.yml and environment.yml with azure-ai-ml's own
  loaders (the Azure ML SDK from PyPI), checking the MPI distribution and
  that the command runs wasmprep on the job's input and output;
- jobs/nyc-taxi/kubernetes/mpijob.yaml as YAML, checking that mpirun starts
  as many ranks as the workers have slots.

Prints a JSON summary; exits 1 with the reason on any mismatch.
"""

import json
import os
import sys

import yaml
from azure.ai.ml import load_environment, load_job
from azure.ai.ml import MpiDistribution


def main():
    root = sys.argv[1]
    azureml = os.path.join(root, "jobs", "nyc-taxi", "azureml")
    job = load_job(os.path.join(azureml, "job.yml"))
    problems = []
    if not isinstance(job.distribution, MpiDistribution):
        problems.append(f"distribution is {type(job.distribution).__name__}, not MPI")
    per_instance = job.distribution.process_count_per_instance
    instances = job.resources.instance_count
    command = " ".join(job.command.split())
    for needle in ("wasmprep run job.toml", "--input ${{inputs.nyc_taxi_dataset}}",
                   "--output ${{outputs.output_folder}}", "--resume"):
        if needle not in command:
            problems.append(f"command lacks {needle!r}: {command}")
    if job.inputs["nyc_taxi_dataset"].mode != "ro_mount":
        problems.append("the input should be mounted read-only")
    code = os.path.normpath(os.path.join(azureml, job.code))
    env = load_environment(os.path.join(azureml, "environment.yml"))
    if not os.path.isfile(os.path.join(azureml, env.build.dockerfile_path)):
        problems.append(f"no Dockerfile at {env.build.dockerfile_path}")

    with open(os.path.join(root, "jobs", "nyc-taxi", "kubernetes", "mpijob.yaml")) as f:
        mpijob = yaml.safe_load(f)
    slots = mpijob["spec"]["slotsPerWorker"]
    workers = mpijob["spec"]["mpiReplicaSpecs"]["Worker"]["replicas"]
    launcher = mpijob["spec"]["mpiReplicaSpecs"]["Launcher"]["template"]["spec"]["containers"][0]["command"]
    ranks = int(launcher[launcher.index("-n") + 1])
    if ranks != slots * workers:
        problems.append(f"mpirun -n {ranks}, but {workers} workers x {slots} slots")
    if launcher[launcher.index("wasmprep"):][:2] != ["wasmprep", "run"]:
        problems.append(f"the launcher does not run wasmprep: {launcher}")

    summary = {
        "azureml": {"ranks": per_instance * instances, "code": code, "environment": env.name},
        "mpijob": {"ranks": ranks},
    }
    print(json.dumps(summary))
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

"""Benchmark: the cost of fitting, on the NYC-taxi fit job.

  .venv/bin/python bench/fit.py [--rows 10000000] [--runs 3] [--ranks 1 2]

Runs, alternating, on the same generated data: the seed's job
(jobs/nyc-taxi, the transform pass alone) and jobs/nyc-taxi-fit (the same
steps, then standard-scaler and quantile-bins, each fitted on all of the
data first). Prints each one's best time and, from wasmprep's own log
("Fitted." lines), each fit pass's time as a share of the transform pass
(goal: at most 40 %, thanks to reading only the columns the fits need; the
job's two fits share one pass),
and the states gathered on rank 0 (the merge traffic: bytes per rank).
Needs `make build plugins`.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WASMPREP = os.path.join(ROOT, "target", "release", "wasmprep")
MPIRUN = ["mpirun", "--allow-run-as-root", "--oversubscribe", "--bind-to", "none",
          "--mca", "pml", "ob1", "--mca", "btl", "self,vader"]
FITTED = re.compile(r'Fitted\. steps=([0-9,]+) seconds=([0-9.e-]+) states=(\d+) state_bytes=(\d+) gathered_bytes=(\d+)')


def job_file(work, name):
    with open(os.path.join(ROOT, "jobs", name, "job.toml")) as f:
        text = f.read()
    text = text.replace("../../target/plugins", os.path.join(ROOT, "target", "plugins"))
    path = os.path.join(work, f"{name}.toml")
    with open(path, "w") as f:
        f.write(text)
    return path


def run(job, data, out, ranks, report, cache):
    cmd = [WASMPREP, "run", job, "--input", data, "--output", out, "--overwrite", "--report", report]
    if ranks > 1:
        cmd = MPIRUN + ["-n", str(ranks)] + cmd + ["--threads", "1"]
    env = dict(os.environ, WASMPREP_CACHE_DIR=cache, NO_COLOR="1", WASMPREP_NO_PROGRESS_BAR="1",
               OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(result.stderr)
    with open(report) as f:
        seconds = json.load(f)["seconds"]
    fits = [(m.group(1),) + tuple(float(x) for x in m.groups()[1:]) for m in FITTED.finditer(result.stderr)]
    return seconds, fits


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    if not os.path.exists(WASMPREP):
        sys.exit(f"{WASMPREP} is missing: run `make build plugins` first")
    work = tempfile.mkdtemp(prefix="wasmprep-fit-")
    try:
        data = os.path.join(work, "data")
        subprocess.run([WASMPREP, "sample", "taxi", "--rows", str(args.rows), "--files", "8", "--output", data],
                       check=True, capture_output=True)
        jobs = {"transform only (nyc-taxi)": job_file(work, "nyc-taxi"),
                "fit, then transform (nyc-taxi-fit)": job_file(work, "nyc-taxi-fit")}
        cache, report = os.path.join(work, "cache"), os.path.join(work, "report.json")
        for ranks in args.ranks:
            best = {}
            for _ in range(args.runs):
                for name, job in jobs.items():
                    seconds, fits = run(job, data, os.path.join(work, "out"), ranks, report, cache)
                    if name not in best or seconds < best[name][0]:
                        best[name] = (seconds, fits)
            base = best["transform only (nyc-taxi)"][0]
            total, fits = best["fit, then transform (nyc-taxi-fit)"]
            transform = total - sum(f[1] for f in fits)
            print(f"\n{args.rows:,} rows, {ranks} rank(s), best of {args.runs}")
            print(f"  transform only:        {base:7.2f} s")
            print(f"  fit, then transform:   {total:7.2f} s  ({total / base:.2f}x)")
            for steps, seconds, partitions, state, gathered in fits:
                print(f"    fit pass of steps {steps}: {seconds:6.2f} s = {100 * seconds / transform:4.0f} % "
                      f"of its transform pass ({transform:.2f} s); {int(partitions)} states, "
                      f"{int(state):,} bytes, {int(gathered) / max(ranks - 1, 1):,.0f} bytes from each other rank")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Benchmark: the NYC-taxi job in wasmprep, DuckDB, polars and dask-mpi, same data, same cores.

  .venv/bin/python bench/nyc_taxi.py [--rows 4000000] [--threads 2] [--runs 3]
                                     [--dask-python .venv-dask/bin/python]

Generates the sample (deterministic) once, then alternates runs of
`wasmprep run jobs/nyc-taxi/job.toml` and the same job in DuckDB
(tests/python/taxi_duckdb.py), in polars, streaming, with the explicit
timestamp format (tests/python/taxi_polars.py), and, given a Python with
Dask, dask-mpi and mpi4py, in Dask over MPI as the seed runs it
(tests/python/taxi_dask.py: THREADS workers, plus dask-mpi's scheduler and
client ranks), each in its own process so its peak memory is its own
(os.wait4: the largest process of the run). Prints every run, then the best
time and peak memory of each and wasmprep's throughput against the faster
of DuckDB and polars. Needs a release build (`make build`) and the plugins
(`make plugins`); `make bench-duckdb` does all of it.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WASMPREP = os.path.join(ROOT, "target", "release", "wasmprep")
JOB = os.path.join(ROOT, "jobs", "nyc-taxi", "job.toml")
DUCKDB_RUNNER = """
import sys
sys.path.insert(0, {tests!r})
import taxi_duckdb
taxi_duckdb.write_parquet({glob!r}, {out!r}, {threads})
"""
POLARS_RUNNER = """
import os, sys
os.environ["POLARS_MAX_THREADS"] = "{threads}"
sys.path.insert(0, {tests!r})
import taxi_polars
taxi_polars.write_parquet({glob!r}, os.path.join({out!r}, "part.parquet"))
"""


DASK_ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
                OMPI_MCA_btl_vader_single_copy_mechanism="none")


def dask_argv(python, workers, csv_glob, out):
    """dask-mpi: rank 0 the scheduler, rank 1 the client, the rest single-threaded workers."""
    script = os.path.join(ROOT, "tests", "python", "taxi_dask.py")
    return ["mpirun", "--oversubscribe", "--bind-to", "none", "-n", str(workers + 2), python, script, csv_glob, out]


def measure(argv, env=None):
    """Runs argv; returns (seconds, peak RSS in MB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    stderr = proc.stderr.read().decode()
    if status != 0:
        sys.exit(f"{argv[0]} failed:\n{stderr}")
    return seconds, usage.ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=4_000_000)
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", help="directory for the sample (default: a temporary one)")
    parser.add_argument("--dask-python", help="a Python with dask, dask-mpi and mpi4py (default: Dask is left out)")
    args = parser.parse_args()

    if not os.path.exists(WASMPREP):
        sys.exit(f"{WASMPREP} is missing: run `make build plugins` first")
    work = tempfile.mkdtemp(prefix="wasmprep-bench-")
    data = args.data or os.path.join(work, "data")
    try:
        if not os.path.isdir(data) or not os.listdir(data):
            subprocess.run(
                [WASMPREP, "sample", "taxi", "--rows", str(args.rows), "--files", str(args.files), "--output", data],
                check=True,
            )
        size = sum(os.path.getsize(os.path.join(data, f)) for f in os.listdir(data) if f.endswith(".csv"))
        csv_glob = os.path.join(data, "*.csv")
        out = os.path.join(work, "out")
        cache = os.path.join(work, "cache")
        runs = {"wasmprep": [], "duckdb": [], "polars": []}
        if args.dask_python:
            runs["dask-mpi"] = []
        # Warm the plugin cache and the page cache once, untimed.
        subprocess.run(
            [WASMPREP, "--cache-dir", cache, "run", JOB, "--input", data, "--output", out, "--overwrite"],
            check=True,
            stderr=subprocess.DEVNULL,
        )
        for i in range(args.runs):
            shutil.rmtree(out, ignore_errors=True)
            runs["wasmprep"].append(
                measure([WASMPREP, "--cache-dir", cache, "run", JOB, "--input", data, "--output", out,
                         "--threads", str(args.threads)])
            )
            shutil.rmtree(out, ignore_errors=True)
            os.makedirs(out)
            script = DUCKDB_RUNNER.format(tests=os.path.join(ROOT, "tests", "python"), glob=csv_glob, out=out,
                                          threads=args.threads)
            runs["duckdb"].append(measure([sys.executable, "-c", script]))
            shutil.rmtree(out, ignore_errors=True)
            os.makedirs(out)
            script = POLARS_RUNNER.format(tests=os.path.join(ROOT, "tests", "python"), glob=csv_glob, out=out,
                                          threads=args.threads)
            runs["polars"].append(measure([sys.executable, "-c", script]))
            if args.dask_python:
                shutil.rmtree(out, ignore_errors=True)
                runs["dask-mpi"].append(measure(dask_argv(args.dask_python, args.threads, csv_glob, out), DASK_ENV))
            for name in runs:
                s, m = runs[name][-1]
                print(f"run {i + 1} {name:9} {s:6.2f} s  {m:7.0f} MB peak")
        print(f"\n{args.rows} rows, {size / 1e6:.0f} MB of CSV, {args.threads} threads, best of {args.runs}:")
        best = {}
        for name, results in runs.items():
            s = min(r[0] for r in results)
            m = max(r[1] for r in results)
            best[name] = s
            print(f"  {name:9} {s:6.2f} s  {size / 1e6 / s:6.0f} MB/s  {m:7.0f} MB peak RSS")
        peer = min(("duckdb", "polars"), key=lambda n: best[n])
        print(f"  throughput ratio wasmprep / DuckDB: {best['duckdb'] / best['wasmprep']:.2f}x")
        print(f"  throughput ratio wasmprep / polars: {best['polars'] / best['wasmprep']:.2f}x")
        if "dask-mpi" in best:
            print(f"  throughput ratio wasmprep / dask-mpi: {best['dask-mpi'] / best['wasmprep']:.2f}x")
        print(f"  against the faster peer ({peer}): {best[peer] / best['wasmprep']:.2f}x  (target >= 2.0x)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

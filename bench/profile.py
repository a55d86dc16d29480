"""Profile: where the NYC-taxi job's CPU time goes, stage by stage, and
what each stage's own limit is on this machine.

  .venv/bin/python bench/profile.py [--rows 10000000] [--data DIR]

Runs `wasmprep run jobs/nyc-taxi/job.toml` under `perf record` (cpu-clock
samples, all threads) with a binary built with the `stage-profile` feature
(the CSV reader's stages kept out of line, so perf can tell splitting from
each value type), sorts the samples into stages by function, and prints
CPU-seconds and shares. Then measures limits here: memory copy bandwidth,
a newline scan (`wc -l`), and zstd level 1 on the job's own column data.
Needs perf (`linux-perf`), `make plugins`; `make profile` builds the binary.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WASMPREP = os.path.join(ROOT, "target", "release", "wasmprep-stage-profile")
FREQUENCY = 1999

# (stage, dso pattern, symbol pattern): the first that matches takes a sample.
STAGES = [
    ("plugin code in the sandbox (compiled wasm)", r"\.cwasm$", r""),
    ("plugin boundary (wasmtime calls, buffer copies)", r"", r"wasmtime|sandbox::|cranelift"),
    ("CSV structure (records split into fields)", r"", r"split_unquoted|split_quoted|split_record|Specials|memchr|csv_core"),
    ("CSV values: floats", r"", r"append_float|lexical|parse_f(32|64)|fold_digits|Decimal"),
    ("CSV values: integers", r"", r"append_integer|parse_[iu]64"),
    ("CSV values: timestamps and dates", r"", r"append_other|parse_iso|civil|parse_timestamp|parse_date"),
    ("CSV values: text", r"", r"append_var|from_utf8|run_utf8_validation"),
    ("CSV per-record loop (nulls, builders, batches)", r"", r"append_record|read_batch|next_batch|ColumnBuilder|flush|BooleanBuffer"),
    ("reading files (kernel copies into the buffer)", r"kernel", r"_copy_to_iter|filemap|page_cache|readahead|copy_page_to_iter|vfs_read|ksys_read|xas_|folio_mark_accessed|workingset"),
    ("reading files (buffer refill)", r"", r"CsvReader::fill|read_exact|Read>::read"),
    ("zstd compression", r"", r"ZSTD_|HUF_|HIST_|FSE_|zstd"),
    ("Parquet encoding (dictionary, levels, statistics)", r"", r"parquet::|thrift"),
    ("sha256 of the part files", r"", r"sha2::|sha256"),
    ("built-in steps and filtering (Arrow)", r"", r"arrow_select|arrow_cast|arrow_arith|arrow::compute|zip|fill_null|filter"),
    ("copies and zeroing (memcpy, memset)", r"", r"memmove|memcpy|memset"),
    ("allocation", r"", r"malloc|free|_int_|realloc|mmap|munmap|page_fault|clear_page|mem_cgroup|alloc_pages|get_page_from_freelist"),
    ("writing files (kernel)", r"kernel", r"copy_folio_from_iter|ext4|write|mpage|block|bio"),
    ("kernel, other (scheduling, interrupts)", r"kernel", r""),
    ("other", r"", r""),
]


def sh(argv, **kw):
    return subprocess.run(argv, check=True, capture_output=True, text=True, **kw).stdout


def record(work, data):
    job = os.path.join(work, "job.toml")
    with open(os.path.join(ROOT, "jobs", "nyc-taxi", "job.toml")) as f:
        text = f.read().replace("../../target/plugins", os.path.join(ROOT, "target", "plugins"))
    with open(job, "w") as f:
        f.write(text)
    perf_data = os.path.join(work, "perf.data")
    env = dict(os.environ, WASMPREP_CACHE_DIR=os.path.join(work, "cache"), NO_COLOR="1", WASMPREP_NO_PROGRESS_BAR="1")
    run = [WASMPREP, "run", job, "--input", data, "--output", os.path.join(work, "out"), "--overwrite"]
    subprocess.run(run, env=env, check=True, capture_output=True)  # compiles the plugins into the cache
    start = time.perf_counter()
    sh(["perf", "record", "-q", "-e", "cpu-clock", "-F", str(FREQUENCY), "-o", perf_data, "--"] + run, env=env)
    return perf_data, time.perf_counter() - start, os.path.join(work, "out")


def samples(perf_data):
    """(samples, dso, symbol) per function, from perf report."""
    out = sh(["perf", "report", "-i", perf_data, "--no-children", "--sort", "dso,sym", "--stdio", "-q",
              "-F", "sample,dso,sym", "--percent-limit", "0"])
    for line in out.splitlines():
        m = re.match(r"\s*(\d+)\s+(\S+)\s+\[[.k]\]\s+(.*)$", line)
        if m:
            yield int(m.group(1)), m.group(2), m.group(3).strip()


def stage_of(dso, symbol):
    for name, dso_re, sym_re in STAGES:
        if re.search(dso_re, dso) and re.search(sym_re, symbol):
            return name
    return "other"


def limits(data, out):
    """Each limit as (what, MB/s on one core)."""
    found = []
    size = 256 << 20
    a, b = bytearray(os.urandom(1 << 20) * 256), bytearray(size)
    start = time.perf_counter()
    for _ in range(4):
        b[:] = a
    found.append(("memory copy (memcpy, one core)", 4 * size / (time.perf_counter() - start) / 1e6))
    files = sorted(os.path.join(data, f) for f in os.listdir(data))
    total = sum(os.path.getsize(f) for f in files)
    sh(["cat"] + files)  # in the page cache
    start = time.perf_counter()
    sh(["wc", "-l"] + files)
    found.append(("newline scan of the CSV (wc -l, one core)", total / (time.perf_counter() - start) / 1e6))
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        return found
    table = pq.read_table(os.path.join(out, sorted(f for f in os.listdir(out) if f.endswith(".parquet"))[0]))
    raw = b"".join(bytes(buf) for col in table.columns for chunk in col.chunks for buf in chunk.buffers() if buf)
    codec = pa.Codec("zstd", compression_level=1)
    start = time.perf_counter()
    codec.compress(raw)
    found.append(("zstd level 1 on the output's column data (one core)", len(raw) / (time.perf_counter() - start) / 1e6))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--data", help="a generated sample to reuse (wasmprep sample taxi)")
    args = parser.parse_args()
    if not os.path.exists(WASMPREP) or not shutil.which("perf"):
        sys.exit(f"needs perf and {WASMPREP}: run `make profile`")
    work = tempfile.mkdtemp(prefix="wasmprep-profile-")
    try:
        data = args.data or os.path.join(work, "data")
        if not args.data:
            sh([WASMPREP, "sample", "taxi", "--rows", str(args.rows), "--files", "8", "--output", data])
        perf_data, seconds, out = record(work, data)
        stages, total = {}, 0
        for count, dso, symbol in samples(perf_data):
            stage = stage_of(dso, symbol)
            stages[stage] = stages.get(stage, 0) + count
            total += count
        cpu = total / FREQUENCY
        print(f"NYC-taxi job, {args.rows:,} rows: {seconds:.2f} s wall under perf, {cpu:.2f} CPU-s sampled\n")
        print(f"| stage | CPU-s | share |\n|---|---:|---:|")
        for stage, count in sorted(stages.items(), key=lambda kv: -kv[1]):
            print(f"| {stage} | {count / FREQUENCY:.2f} | {100 * count / total:.1f} % |")
        print("\n| limit measured here | MB/s |\n|---|---:|")
        for what, rate in limits(data, out):
            print(f"| {what} | {rate:,.0f} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

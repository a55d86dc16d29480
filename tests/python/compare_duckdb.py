"""Checks wasmprep's NYC-taxi output against the same job in DuckDB.

  compare_duckdb.py CSV_GLOB WASMPREP_OUTPUT_DIR

Runs the job logic in DuckDB over the same CSV files, reads wasmprep's
Parquet output with pyarrow and with polars, and compares row counts, null
counts and per-column aggregates (sum, min, max). Exits 1 with the
differences on any mismatch.
"""

import glob
import math
import os
import sys

import duckdb
import polars as pl
import pyarrow.compute as pc
import pyarrow.dataset as ds

sys.path.insert(0, os.path.dirname(__file__))
import taxi_duckdb  # noqa: E402

FLOAT_TOLERANCE = 1e-6


def duckdb_aggregates(csv_glob):
    con = taxi_duckdb.connect(threads=2)
    con.execute(f"CREATE TABLE job AS {taxi_duckdb.query(csv_glob)}")
    names = [r[0] for r in con.execute("DESCRIBE job").fetchall()]
    out = {"rows": con.execute("SELECT count(*) FROM job").fetchall()[0][0]}
    for name in names:
        value = f'"{name}"'
        if name in ("pickup_datetime", "dropoff_datetime"):
            value = f'epoch_ms("{name}")'
        elif name == "diff":
            value = 'epoch_ms("diff")'
        row = con.execute(
            f"SELECT count(*) - count({value}), sum({value}::DOUBLE), min({value}::DOUBLE), max({value}::DOUBLE) FROM job"
        ).fetchall()[0]
        out[name] = tuple(row)
    return names, out


def as_number(array):
    """A column as float64 (timestamps and durations as milliseconds)."""
    import pyarrow as pa

    if pa.types.is_timestamp(array.type) or pa.types.is_duration(array.type):
        array = array.cast(pa.int64())
    return array.cast(pa.float64())


def pyarrow_aggregates(output_dir, names):
    table = ds.dataset(sorted(glob.glob(os.path.join(output_dir, "part-*.parquet"))), format="parquet").to_table()
    out = {"rows": table.num_rows}
    for name in names:
        col = as_number(table.column(name))
        out[name] = (col.null_count, pc.sum(col).as_py(), pc.min(col).as_py(), pc.max(col).as_py())
    return table.column_names, out


def polars_aggregates(output_dir, names):
    df = pl.scan_parquet(os.path.join(output_dir, "part-*.parquet")).collect()
    out = {"rows": df.height}
    for name in names:
        col = df[name]
        if col.dtype in (pl.Datetime, pl.Duration) or isinstance(col.dtype, (pl.Datetime, pl.Duration)):
            col = col.cast(pl.Int64)
        col = col.cast(pl.Float64)
        out[name] = (col.null_count(), col.sum(), col.min(), col.max())
    return df.columns, out


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(a, b, rel_tol=FLOAT_TOLERANCE, abs_tol=FLOAT_TOLERANCE)
    return a == b


def main():
    csv_glob, output_dir = sys.argv[1], sys.argv[2]
    names, expected = duckdb_aggregates(csv_glob)
    problems = []
    for reader, aggregate in (("pyarrow", pyarrow_aggregates), ("polars", polars_aggregates)):
        columns, got = aggregate(output_dir, names)
        if columns != names:
            problems.append(f"{reader}: columns {columns} != DuckDB's {names}")
            continue
        if got["rows"] != expected["rows"]:
            problems.append(f"{reader}: {got['rows']} rows, DuckDB {expected['rows']}")
        for name in names:
            for label, e, g in zip(("nulls", "sum", "min", "max"), expected[name], got[name]):
                if not close(e, g):
                    problems.append(f"{reader}: {name} {label}: DuckDB {e}, wasmprep {g}")
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print(f"ok: {expected['rows']} rows, {len(names)} columns agree with DuckDB (pyarrow and polars)")


if __name__ == "__main__":
    main()

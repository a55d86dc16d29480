"""The NYC-taxi job (jobs/nyc-taxi/job.toml) written independently in DuckDB.

Used by compare_duckdb.py (correctness) and bench/nyc_taxi.py (speed).
"""

# (name, DuckDB type) of the 2015 yellow-taxi CSV, as the job declares them.
COLUMNS = [
    ("VendorID", "INTEGER"),
    ("tpep_pickup_datetime", "TIMESTAMP"),
    ("tpep_dropoff_datetime", "TIMESTAMP"),
    ("passenger_count", "INTEGER"),
    ("trip_distance", "FLOAT"),
    ("pickup_longitude", "FLOAT"),
    ("pickup_latitude", "FLOAT"),
    ("RatecodeID", "INTEGER"),
    ("store_and_fwd_flag", "VARCHAR"),
    ("dropoff_longitude", "FLOAT"),
    ("dropoff_latitude", "FLOAT"),
    ("payment_type", "INTEGER"),
    ("fare_amount", "FLOAT"),
    ("extra", "FLOAT"),
    ("mta_tax", "FLOAT"),
    ("tip_amount", "FLOAT"),
    ("tolls_amount", "FLOAT"),
    ("improvement_surcharge", "FLOAT"),
    ("total_amount", "FLOAT"),
]


def _rounded(column: str) -> str:
    return f"(floor({column}::DOUBLE / 0.01::DOUBLE) * 0.01::DOUBLE)::FLOAT AS {column}_r"


def _haversine() -> str:
    lat1, lon1 = "radians(pickup_latitude::DOUBLE)", "radians(pickup_longitude::DOUBLE)"
    lat2, lon2 = "radians(dropoff_latitude::DOUBLE)", "radians(dropoff_longitude::DOUBLE)"
    a = (
        f"pow(sin(({lat2} - {lat1}) / 2), 2) + "
        f"cos({lat1}) * cos({lat2}) * pow(sin(({lon2} - {lon1}) / 2), 2)"
    )
    return f"(2 * 6371 * asin(sqrt({a})))::FLOAT AS h_distance"


def query(csv_glob: str) -> str:
    """The job as one SELECT over the CSV files."""
    columns = ", ".join(f"'{n}': '{t}'" for n, t in COLUMNS)
    numeric = {n for n, t in COLUMNS if t in ("INTEGER", "FLOAT")}

    def filled(source: str, name: str) -> str:
        return f"coalesce({source}, -1) AS {name}" if source in numeric else f"{source} AS {name}"

    kept = [
        ("VendorID", "VendorID"),
        ("tpep_pickup_datetime", "pickup_datetime"),
        ("tpep_dropoff_datetime", "dropoff_datetime"),
        ("passenger_count", "passenger_count"),
        ("trip_distance", "trip_distance"),
        ("pickup_longitude", "pickup_longitude"),
        ("pickup_latitude", "pickup_latitude"),
        ("RatecodeID", "rate_code"),
        ("payment_type", "payment_type"),
        ("dropoff_longitude", "dropoff_longitude"),
        ("dropoff_latitude", "dropoff_latitude"),
        ("fare_amount", "fare_amount"),
        ("tip_amount", "tip_amount"),
        ("total_amount", "total_amount"),
    ]
    select = ",\n  ".join(filled(src, dst) for src, dst in kept)
    pickup = "tpep_pickup_datetime"
    return f"""
SELECT
  {select},
  hour({pickup})::INTEGER AS hour,
  year({pickup})::INTEGER AS year,
  month({pickup})::INTEGER AS month,
  day({pickup})::INTEGER AS day,
  (isodow({pickup}) - 1)::INTEGER AS day_of_week,
  ((isodow({pickup}) - 1) > 5)::INTEGER AS is_weekend,
  tpep_dropoff_datetime - tpep_pickup_datetime AS diff,
  {_rounded('pickup_latitude')},
  {_rounded('pickup_longitude')},
  {_rounded('dropoff_latitude')},
  {_rounded('dropoff_longitude')},
  {_haversine()}
FROM read_csv('{csv_glob}', header = true, delim = ',', quote = '"', nullstr = '',
              auto_detect = false, timestampformat = '%Y-%m-%d %H:%M:%S',
              columns = {{{columns}}})
WHERE fare_amount > 0 AND fare_amount < 500
  AND passenger_count > 0 AND passenger_count < 6
  AND pickup_longitude > -75 AND pickup_longitude < -73
  AND dropoff_longitude > -75 AND dropoff_longitude < -73
  AND pickup_latitude > 40 AND pickup_latitude < 42
  AND dropoff_latitude > 40 AND dropoff_latitude < 42
"""


def connect(threads: int) -> "duckdb.DuckDBPyConnection":
    import duckdb  # here, so that the Dask and polars versions can take COLUMNS without it

    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    con.execute("SET preserve_insertion_order = false")
    return con


def write_parquet(csv_glob: str, output_dir: str, threads: int) -> None:
    """Runs the job and writes zstd Parquet, one file per thread."""
    con = connect(threads)
    con.execute(
        f"COPY ({query(csv_glob)}) TO '{output_dir}' "
        "(FORMAT PARQUET, COMPRESSION ZSTD, PER_THREAD_OUTPUT TRUE, OVERWRITE_OR_IGNORE TRUE)"
    )

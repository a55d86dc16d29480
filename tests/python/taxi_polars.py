"""The NYC-taxi job (jobs/nyc-taxi/job.toml) written independently in polars:
a lazy query over the CSV files, streamed into zstd Parquet (level 1, as
the job writes). Used by bench/nyc_taxi.py for the side-by-side; the
timestamps are parsed with their explicit format (polars' fast path).
"""

import polars as pl

from taxi_duckdb import COLUMNS

TYPES = {"INTEGER": pl.Int32, "FLOAT": pl.Float32, "VARCHAR": pl.String, "TIMESTAMP": pl.String}
FORMAT = "%Y-%m-%d %H:%M:%S"
KEPT = {
    "VendorID": "VendorID",
    "tpep_pickup_datetime": "pickup_datetime",
    "tpep_dropoff_datetime": "dropoff_datetime",
    "passenger_count": "passenger_count",
    "trip_distance": "trip_distance",
    "pickup_longitude": "pickup_longitude",
    "pickup_latitude": "pickup_latitude",
    "RatecodeID": "rate_code",
    "payment_type": "payment_type",
    "dropoff_longitude": "dropoff_longitude",
    "dropoff_latitude": "dropoff_latitude",
    "fare_amount": "fare_amount",
    "tip_amount": "tip_amount",
    "total_amount": "total_amount",
}


def _rounded(column: str) -> pl.Expr:
    return ((pl.col(column).cast(pl.Float64) / 0.01).floor() * 0.01).cast(pl.Float32).alias(f"{column}_r")


def _haversine() -> pl.Expr:
    lat1, lon1 = pl.col("pickup_latitude").cast(pl.Float64).radians(), pl.col("pickup_longitude").cast(pl.Float64).radians()
    lat2, lon2 = pl.col("dropoff_latitude").cast(pl.Float64).radians(), pl.col("dropoff_longitude").cast(pl.Float64).radians()
    a = ((lat2 - lat1) / 2).sin().pow(2) + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2).sin().pow(2)
    return (2 * 6371 * a.sqrt().arcsin()).cast(pl.Float32).alias("h_distance")


def query(csv_glob: str) -> pl.LazyFrame:
    schema = {name: TYPES[t] for name, t in COLUMNS}
    frame = pl.scan_csv(csv_glob, schema=schema, null_values=[""], has_header=True)
    times = [pl.col(c).str.strptime(pl.Datetime("ms"), FORMAT) for c in ("tpep_pickup_datetime", "tpep_dropoff_datetime")]
    frame = frame.with_columns(times).filter(
        (pl.col("fare_amount") > 0) & (pl.col("fare_amount") < 500)
        & (pl.col("passenger_count") > 0) & (pl.col("passenger_count") < 6)
        & pl.col("pickup_longitude").is_between(-75, -73, closed="none")
        & pl.col("dropoff_longitude").is_between(-75, -73, closed="none")
        & pl.col("pickup_latitude").is_between(40, 42, closed="none")
        & pl.col("dropoff_latitude").is_between(40, 42, closed="none")
    )
    numeric = {n for n, t in COLUMNS if t in ("INTEGER", "FLOAT")}
    kept = [(pl.col(s).fill_null(-1) if s in numeric else pl.col(s)).alias(d) for s, d in KEPT.items()]
    pickup = pl.col("tpep_pickup_datetime").dt
    dow = (pickup.weekday() - 1).cast(pl.Int32)
    features = [
        pickup.hour().cast(pl.Int32).alias("hour"),
        pickup.year().cast(pl.Int32).alias("year"),
        pickup.month().cast(pl.Int32).alias("month"),
        pickup.day().cast(pl.Int32).alias("day"),
        dow.alias("day_of_week"),
        (dow > 5).cast(pl.Int32).alias("is_weekend"),
        (pl.col("tpep_dropoff_datetime") - pl.col("tpep_pickup_datetime")).alias("diff"),
        _rounded("pickup_latitude"),
        _rounded("pickup_longitude"),
        _rounded("dropoff_latitude"),
        _rounded("dropoff_longitude"),
        _haversine(),
    ]
    return frame.select(kept + features)


def write_parquet(csv_glob: str, output_file: str) -> None:
    """Runs the job and streams it into one zstd Parquet file."""
    query(csv_glob).sink_parquet(output_file, compression="zstd", compression_level=1)

"""The NYC-taxi job (jobs/nyc-taxi/job.toml) written independently in Dask,
in the shape of the seed's dask-mpi script: `dd.read_csv` with the
timestamps parsed, one `query` for the cleaning, the seed's names and
columns, `fillna(-1)`, the features as column expressions, and
`to_parquet` (zstd level 1, as the job writes).

Each rank runs it under MPI (`mpirun -n WORKERS+2`): dask-mpi makes rank 0
the scheduler, rank 1 the client that runs `main`, and the other ranks
single-threaded workers, as the seed's Azure ML job does. The column types
are given (the seed's script needs `assume_missing=True` on current Dask;
explicit types are the faster and fairer form of it) and the timestamp
format is explicit, so pandas takes its fast path.

  mpirun -n 4 python tests/python/taxi_dask.py CSV_GLOB OUTPUT_DIR
"""

import sys

import numpy as np

from taxi_duckdb import COLUMNS

TYPES = {"INTEGER": "Int32", "FLOAT": "float32", "VARCHAR": "string"}
TIMESTAMPS = ["tpep_pickup_datetime", "tpep_dropoff_datetime"]
FORMAT = "%Y-%m-%d %H:%M:%S"
CLEAN = " and ".join([
    "fare_amount > 0 and fare_amount < 500",
    "passenger_count > 0 and passenger_count < 6",
    "pickup_longitude > -75 and pickup_longitude < -73",
    "dropoff_longitude > -75 and dropoff_longitude < -73",
    "pickup_latitude > 40 and pickup_latitude < 42",
    "dropoff_latitude > 40 and dropoff_latitude < 42",
])
RENAME = {"tpep_pickup_datetime": "pickup_datetime", "tpep_dropoff_datetime": "dropoff_datetime",
          "RatecodeID": "rate_code"}
KEPT = ["VendorID", "pickup_datetime", "dropoff_datetime", "passenger_count", "trip_distance",
        "pickup_longitude", "pickup_latitude", "rate_code", "payment_type", "dropoff_longitude",
        "dropoff_latitude", "fare_amount", "tip_amount", "total_amount"]


def _features(frame):
    """The seed's add_features, on one pandas partition."""
    pickup = frame["pickup_datetime"].dt
    frame["hour"] = pickup.hour.astype("int32")
    frame["year"] = pickup.year.astype("int32")
    frame["month"] = pickup.month.astype("int32")
    frame["day"] = pickup.day.astype("int32")
    frame["day_of_week"] = pickup.weekday.astype("int32")
    frame["diff"] = frame["dropoff_datetime"] - frame["pickup_datetime"]
    for column in ("pickup_latitude", "pickup_longitude", "dropoff_latitude", "dropoff_longitude"):
        frame[f"{column}_r"] = (np.floor(frame[column].astype("float64") / 0.01) * 0.01).astype("float32")
    lat1, lon1 = (np.radians(frame[c].astype("float64")) for c in ("pickup_latitude", "pickup_longitude"))
    lat2, lon2 = (np.radians(frame[c].astype("float64")) for c in ("dropoff_latitude", "dropoff_longitude"))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    frame["h_distance"] = (2 * 6371 * np.arcsin(np.sqrt(a))).astype("float32")
    frame["is_weekend"] = (frame["day_of_week"] > 5).astype("int32")
    return frame


def query(csv_glob: str):
    import dask.dataframe as dd

    frame = dd.read_csv(csv_glob, dtype={n: TYPES[t] for n, t in COLUMNS if t in TYPES},
                        parse_dates=TIMESTAMPS, date_format=FORMAT, keep_default_na=False,
                        na_values=[""], blocksize="64MB")
    frame = frame.query(CLEAN).rename(columns=RENAME)[KEPT]
    numeric = {RENAME.get(n, n) for n, t in COLUMNS if t in ("INTEGER", "FLOAT")}
    frame = frame.fillna({c: -1 for c in KEPT if c in numeric})
    return frame.map_partitions(_features)


def write_parquet(csv_glob: str, output_dir: str) -> None:
    query(csv_glob).to_parquet(output_dir, compression="zstd", compression_level=1, write_index=False)


def main() -> None:
    import dask_mpi
    from dask.distributed import Client

    dask_mpi.initialize(nthreads=1, nanny=False, dashboard=False)
    with Client():
        write_parquet(sys.argv[1], sys.argv[2])


if __name__ == "__main__":
    main()

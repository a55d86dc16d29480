"""A corpus of Parquet files written by pyarrow, and the check that
wasmprep's output of a pass-through job equals pyarrow's reading of the
input.

  parquet_corpus.py write DIR            writes DIR/<case>.parquet, one per case
  parquet_corpus.py compare INPUT OUTPUT compares pyarrow's reading of the
                                         INPUT file with the OUTPUT directory's
                                         part files; exits 1 with the difference
  parquet_corpus.py stats OUTPUT         lists the column chunks of OUTPUT's
                                         part files that hold values but no
                                         min/max statistics (or no null count);
                                         exits 1 if there are any

Normalisation before comparing (each is something wasmprep does on purpose,
documented in jobs/README.md):
- INT96 timestamps are read as microseconds (pyarrow is asked for the same
  with coerce_int96_timestamp_unit="us"), so dates past 2262 survive.
- Schema metadata (pyarrow's pandas/ARROW:schema keys, wasmprep's provenance)
  is not compared: only column names, types, nullability and values.
Values: NaN equals NaN; timestamps are compared as int64 (Python's datetime
stops at year 9999).
"""

import base64
import datetime
import decimal
import glob
import os
import sys

import pyarrow as pa
import pyarrow.parquet as pq

ROWS = 50


def nullable(values, every=4):
    """`values` with every `every`-th one null."""
    return [None if i % every == 1 else v for i, v in enumerate(values)]


def base_table(rows=ROWS):
    """Every type a pass-through job carries, with nulls in each column."""
    r = range(rows)
    day = datetime.date(2024, 1, 1)
    instant = datetime.datetime(2024, 1, 1, 12, 30, 15, 123456)
    cols = {
        "i8": pa.array(nullable([i % 100 - 50 for i in r]), pa.int8()),
        "i16": pa.array(nullable([i * 300 - 7000 for i in r]), pa.int16()),
        "i32": pa.array(nullable([i * 70_000 - 10 for i in r]), pa.int32()),
        "i64": pa.array(nullable([i * 10**12 - 5 for i in r]), pa.int64()),
        "u8": pa.array(nullable([i * 5 % 256 for i in r]), pa.uint8()),
        "u16": pa.array(nullable([i * 1000 for i in r]), pa.uint16()),
        "u32": pa.array(nullable([i * 80_000_000 for i in r]), pa.uint32()),
        "u64": pa.array(nullable([2**63 + i for i in r]), pa.uint64()),
        "f32": pa.array(nullable([i / 3 for i in r]), pa.float32()),
        "f64": pa.array(nullable([float("nan") if i == 2 else -i / 7 for i in r]), pa.float64()),
        "f16": pa.array(nullable([i / 4 for i in r]), pa.float16()),
        "flag": pa.array(nullable([i % 3 == 0 for i in r]), pa.bool_()),
        "text": pa.array(nullable([f"row {i} é" for i in r]), pa.string()),
        "large_text": pa.array(nullable([f"large {i}" for i in r]), pa.large_string()),
        "bytes": pa.array(nullable([bytes([i % 256, 0, 255]) for i in r]), pa.binary()),
        "fixed": pa.array(nullable([i.to_bytes(4, "little") for i in r]), pa.binary(4)),
        "day": pa.array(nullable([day + datetime.timedelta(days=i) for i in r]), pa.date32()),
        "ts_ms": pa.array(nullable([instant + datetime.timedelta(hours=i) for i in r]), pa.timestamp("ms")),
        "ts_us_utc": pa.array(nullable([instant + datetime.timedelta(minutes=i) for i in r]), pa.timestamp("us", "UTC")),
        "ts_ns": pa.array(nullable([1_700_000_000_000_000_123 + i for i in r]), pa.timestamp("ns")),
        "time_ms": pa.array(nullable([i * 1000 for i in r]), pa.time32("ms")),
        "time_us": pa.array(nullable([i * 10**6 + 7 for i in r]), pa.time64("us")),
        "dec9": pa.array(nullable([decimal.Decimal(i * 101) / 100 for i in r]), pa.decimal128(9, 2)),
        "dec18": pa.array(nullable([decimal.Decimal(i * 10**12 + 1) / 10**4 for i in r]), pa.decimal128(18, 4)),
        "dec38": pa.array(nullable([decimal.Decimal(i * 10**30 + 3) / 10**10 for i in r]), pa.decimal128(38, 10)),
        "dict_text": pa.array(nullable([f"k{i % 3}" for i in r])).dictionary_encode(),
        "ints": pa.array(nullable([list(range(i % 4)) if i % 5 else [None, i] for i in r]), pa.list_(pa.int32())),
        "texts": pa.array(nullable([[f"a{i}", None] if i % 2 else [] for i in r]), pa.list_(pa.string())),
        "nested": pa.array(nullable([[[i], [], None] if i % 3 else None for i in r]), pa.list_(pa.list_(pa.int64()))),
        "point": pa.array(
            nullable([{"x": i, "label": None if i % 2 else f"p{i}"} for i in r]),
            pa.struct([("x", pa.int32()), ("label", pa.string())]),
        ),
        "points": pa.array(
            nullable([[{"x": i, "y": i / 2}] * (i % 3) for i in r]),
            pa.list_(pa.struct([("x", pa.int64()), ("y", pa.float64())])),
        ),
        "tags": pa.array(
            nullable([[("a", i), ("b", None)] if i % 2 else [] for i in r]),
            pa.map_(pa.string(), pa.int32()),
        ),
    }
    return pa.table(cols)


def all_null_table(rows=ROWS):
    """Every column of the base table, every value null."""
    base = base_table(rows)
    return pa.table({f.name: pa.nulls(rows, f.type) for f in base.schema})


def flat_table(rows=ROWS):
    """Flat columns the delta and byte-stream-split encodings apply to."""
    r = range(rows)
    return pa.table(
        {
            "i32": pa.array(nullable([i * 7 - 100 for i in r]), pa.int32()),
            "i64": pa.array(nullable([i * 10**10 for i in r]), pa.int64()),
            "f32": pa.array(nullable([i / 3 for i in r]), pa.float32()),
            "f64": pa.array(nullable([i / 7 for i in r]), pa.float64()),
            "text": pa.array(nullable([f"prefix-{i:04}" for i in r]), pa.string()),
            "bytes": pa.array(nullable([b"x" * (i % 9) for i in r]), pa.binary()),
            "fixed": pa.array(nullable([i.to_bytes(4, "big") for i in r]), pa.binary(4)),
        }
    )


def int96_table(far):
    """Timestamps written as INT96: in the int64-nanosecond range, or not."""
    if far:
        values = [
            datetime.datetime(9999, 12, 31, 23, 59, 59, 999999),
            datetime.datetime(1, 1, 1),
            datetime.datetime(2024, 1, 1, 0, 0, 0, 1),
            None,
            datetime.datetime(2500, 6, 1),
        ]
    else:
        values = [datetime.datetime(2024, 1, 1) + datetime.timedelta(seconds=i * 3601, microseconds=i) for i in range(ROWS)]
        values = nullable(values)
    return pa.table({"ts": pa.array(values, pa.timestamp("us")), "n": pa.array(range(len(values)), pa.int32())})


def cases():
    """(name, table, pq.write_table keyword arguments)."""
    base = base_table()
    flat = flat_table()
    out = []
    for codec in ["none", "snappy", "gzip", "brotli", "lz4", "zstd"]:
        out.append((f"codec_{codec}", base, {"compression": codec}))
    out += [
        ("page_v2_snappy", base, {"data_page_version": "2.0", "compression": "snappy"}),
        ("page_v2_zstd_plain", base, {"data_page_version": "2.0", "compression": "zstd", "use_dictionary": False}),
        ("plain", base, {"use_dictionary": False}),
        ("dictionary_fallback", base, {"dictionary_pagesize_limit": 64, "data_page_size": 128}),
        ("small_pages_with_index", base, {"data_page_size": 64, "write_page_index": True, "write_batch_size": 8}),
        ("row_groups", base, {"row_group_size": 7}),
        ("empty", base.slice(0, 0), {}),
        ("all_null", all_null_table(), {}),
        (
            "delta",
            flat.select(["i32", "i64", "text", "bytes"]),
            {
                "use_dictionary": False,
                "column_encoding": {
                    "i32": "DELTA_BINARY_PACKED",
                    "i64": "DELTA_BINARY_PACKED",
                    "text": "DELTA_BYTE_ARRAY",
                    "bytes": "DELTA_LENGTH_BYTE_ARRAY",
                },
            },
        ),
        (
            "delta_v2",
            flat.select(["i32", "text"]),
            {
                "use_dictionary": False,
                "data_page_version": "2.0",
                "column_encoding": {"i32": "DELTA_BINARY_PACKED", "text": "DELTA_LENGTH_BYTE_ARRAY"},
            },
        ),
        (
            "byte_stream_split",
            flat.select(["i32", "i64", "f32", "f64", "fixed"]),
            {"use_dictionary": False, "use_byte_stream_split": True, "compression": "zstd"},
        ),
        ("int96", int96_table(far=False), {"use_deprecated_int96_timestamps": True}),
        ("int96_far", int96_table(far=True), {"use_deprecated_int96_timestamps": True}),
        ("legacy_list_names", base.select(["ints", "texts", "nested", "points", "tags"]), {"use_compliant_nested_type": False}),
        ("parquet_1_0", base.drop_columns(["u32", "u64", "ts_ns", "time_us"]), {"version": "1.0"}),
    ]
    return out


class PlainKms:
    """A "key management service" that wraps keys in base64: test files
    only, to have encrypted Parquet to refuse."""

    @staticmethod
    def client(_config):
        import pyarrow.parquet.encryption as pe

        class Client(pe.KmsClient):
            def wrap_key(self, key_bytes, master_key_identifier):
                return base64.b64encode(key_bytes)

            def unwrap_key(self, wrapped_key, master_key_identifier):
                return base64.b64decode(wrapped_key)

        return Client()


def write_encrypted(directory):
    """The column `secret` encrypted, with a plaintext footer (magic PAR1)
    and with an encrypted one (magic PARE)."""
    import pyarrow.parquet.encryption as pe

    table = pa.table({"a": pa.array([1, 2, 3], pa.int64()), "secret": ["x", "y", "z"]})
    factory = pe.CryptoFactory(PlainKms.client)
    for name, plaintext in [("encrypted_plaintext_footer", True), ("encrypted_footer", False)]:
        config = pe.EncryptionConfiguration(
            footer_key="footer", column_keys={"column": ["secret"]}, plaintext_footer=plaintext
        )
        properties = factory.file_encryption_properties(pe.KmsConnectionConfig(), config)
        pq.write_table(table, os.path.join(directory, f"{name}.parquet"), encryption_properties=properties)


def write(directory):
    os.makedirs(directory, exist_ok=True)
    for name, table, options in cases():
        pq.write_table(table, os.path.join(directory, f"{name}.parquet"), **options)
    write_encrypted(directory)


def read(path_or_files):
    return pq.read_table(path_or_files, coerce_int96_timestamp_unit="us")


def normalise(table):
    """Drops schema metadata (see the module doc)."""
    fields = [pa.field(f.name, f.type, f.nullable) for f in table.schema]
    return table.cast(pa.schema(fields)).replace_schema_metadata(None)


def same_values(a, b):
    """Python values equal, NaN equal to NaN (Arrow's `equals` says not)."""
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same_values(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_values(a[k], b[k]) for k in a)
    return a == b


def compare(input_path, output_dir):
    expected = normalise(read(input_path))
    parts = sorted(glob.glob(os.path.join(output_dir, "part-*.parquet")))
    if not parts:
        return f"no part files in {output_dir}"
    got = normalise(pa.concat_tables([read(p) for p in parts]))
    if expected.schema != got.schema:
        return f"schemas differ:\n--- input\n{expected.schema}\n--- output\n{got.schema}"
    if expected.num_rows != got.num_rows:
        return f"{expected.num_rows} rows in, {got.num_rows} out"
    for name in expected.column_names:
        a, b = expected.column(name).combine_chunks(), got.column(name).combine_chunks()
        if pa.types.is_timestamp(a.type):
            # As integers: Python's datetime stops at year 9999.
            a, b = a.cast(pa.int64()), b.cast(pa.int64())
        if not a.equals(b) and not same_values(a.to_pylist(), b.to_pylist()):
            return f"column {name} differs:\n--- input\n{a}\n--- output\n{b}"
    return None


def missing_statistics(output_dir):
    """Column chunks with values but without min/max or null count."""
    missing = []
    for part in sorted(glob.glob(os.path.join(output_dir, "part-*.parquet"))):
        metadata = pq.ParquetFile(part).metadata
        for g in range(metadata.num_row_groups):
            group = metadata.row_group(g)
            for c in range(group.num_columns):
                column = group.column(c)
                stats = column.statistics
                where = f"{os.path.basename(part)} row group {g} column {column.path_in_schema} ({column.physical_type})"
                if stats is None or not stats.has_null_count:
                    missing.append(f"{where}: no statistics")
                elif stats.num_values > 0 and not stats.has_min_max:
                    missing.append(f"{where}: no min/max")
    return missing


def main(argv):
    if len(argv) == 3 and argv[1] == "stats":
        missing = missing_statistics(argv[2])
        print("\n".join(missing) or "every column chunk has statistics")
        return 1 if missing else 0
    if len(argv) == 3 and argv[1] == "write":
        write(argv[2])
        return 0
    if len(argv) == 4 and argv[1] == "compare":
        problem = compare(argv[2], argv[3])
        if problem:
            print(problem)
            return 1
        print("equal")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

//! Parquet input and output under unusual input: a corpus generated at
//! test time (pyarrow for what it writes, the parquet crate for legacy
//! layouts pyarrow cannot write) run through a job with no steps, each file
//! either equal to pyarrow's reading of it or refused with an error naming
//! it; encrypted files refused before any output; INT96 past 2262;
//! statistics and provenance of part files; `wasmprep verify`.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use ::parquet::basic::Compression;
use ::parquet::data_type::{ByteArray, ByteArrayType, Int32Type, Int64Type};
use ::parquet::file::metadata::{
    FileMetaData, ParquetMetaDataBuilder, ParquetMetaDataReader, ParquetMetaDataWriter,
    RowGroupMetaData,
};
use ::parquet::file::properties::WriterProperties;
use ::parquet::file::writer::SerializedFileWriter;
use ::parquet::schema::parser::parse_message_type;

use crate::{manifest, root};

fn wasmprep(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wasmprep"))
        .env("WASMPREP_CACHE_DIR", crate::cache_dir())
        .env("NO_COLOR", "1")
        .env("RUST_LOG", "warn")
        .args(args)
        .output()
        .unwrap()
}

fn python() -> PathBuf {
    let python = root().join(".venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run `make deps` (pyarrow from PyPI)",
        python.display()
    );
    python
}

/// Runs `tests/python/parquet_corpus.py ARGS`: (success, stdout).
fn corpus_script(args: &[&Path]) -> (bool, String) {
    let out = Command::new(python())
        .arg(root().join("tests/python/parquet_corpus.py"))
        .args(args)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

/// A job with no steps: every column of the input reaches the output.
fn passthrough_job(dir: &Path, extra: &str) -> PathBuf {
    let path = dir.join("passthrough.toml");
    std::fs::write(
        &path,
        format!("name = \"passthrough\"\n[input]\nformat = \"parquet\"\n{extra}\n[output]\n"),
    )
    .unwrap();
    path
}

/// The corpus of files other writers make, written into `dir/corpus`.
fn write_corpus(dir: &Path) -> PathBuf {
    let data = dir.join("corpus");
    let (ok, text) = corpus_script(&[Path::new("write"), &data]);
    assert!(ok, "{text}");
    data
}

/// Runs a pass-through job over `input` into `dir/out`, which must succeed.
fn passthrough_ok(dir: &Path, input: &Path) -> PathBuf {
    let out = dir.join("out");
    let result = run(&passthrough_job(dir, ""), input, &out);
    assert!(result.status.success(), "{}", stderr(&result));
    out
}

fn run(job: &Path, input: &Path, out: &Path) -> Output {
    wasmprep(&[
        "run",
        job.to_str().unwrap(),
        "--input",
        input.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ])
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn writer(path: &Path, message: &str, compression: Compression) -> SerializedFileWriter<File> {
    let schema = Arc::new(parse_message_type(message).unwrap());
    let props = WriterProperties::builder()
        .set_compression(compression)
        .build();
    SerializedFileWriter::new(File::create(path).unwrap(), schema, Arc::new(props)).unwrap()
}

/// `repeated_no_annotation.parquet` of parquet-testing, rewritten: a
/// repeated group with no LIST annotation inside an optional group; rows
/// with no phones, an empty list, two phones.
fn write_repeated_group_no_annotation(path: &Path) {
    let mut w = writer(
        path,
        "message user { required int32 id; optional group phoneNumbers { \
         repeated group phone { required int64 number; optional binary kind (UTF8); } } }",
        Compression::UNCOMPRESSED,
    );
    let mut rg = w.next_row_group().unwrap();
    let mut col = rg.next_column().unwrap().unwrap();
    col.typed::<Int32Type>()
        .write_batch(&[1, 2, 3], None, None)
        .unwrap();
    col.close().unwrap();
    let mut col = rg.next_column().unwrap().unwrap();
    col.typed::<Int64Type>()
        .write_batch(&[111, 222], Some(&[0, 1, 2, 2]), Some(&[0, 0, 0, 1]))
        .unwrap();
    col.close().unwrap();
    let mut col = rg.next_column().unwrap().unwrap();
    col.typed::<ByteArrayType>()
        .write_batch(
            &[ByteArray::from("home")],
            Some(&[0, 1, 3, 2]),
            Some(&[0, 0, 0, 1]),
        )
        .unwrap();
    col.close().unwrap();
    rg.close().unwrap();
    w.close().unwrap();
}

/// A legacy two-level list (`repeated int32 array` directly in the LIST
/// group) and a repeated primitive with no annotation at all.
fn write_two_level_list(path: &Path) {
    let mut w = writer(
        path,
        "message m { optional group a (LIST) { repeated int32 array; } repeated int32 r; }",
        Compression::SNAPPY,
    );
    let mut rg = w.next_row_group().unwrap();
    let mut col = rg.next_column().unwrap().unwrap();
    // [1, 2], null, [], [3]
    col.typed::<Int32Type>()
        .write_batch(&[1, 2, 3], Some(&[2, 2, 0, 1, 2]), Some(&[0, 1, 0, 0, 0]))
        .unwrap();
    col.close().unwrap();
    let mut col = rg.next_column().unwrap().unwrap();
    // [], [7], [8, 9], []
    col.typed::<Int32Type>()
        .write_batch(&[7, 8, 9], Some(&[0, 1, 1, 1, 0]), Some(&[0, 0, 0, 1, 0]))
        .unwrap();
    col.close().unwrap();
    rg.close().unwrap();
    w.close().unwrap();
}

/// LZ4 as Hadoop frames it (the deprecated `LZ4` codec, which pyarrow no
/// longer writes).
fn write_hadoop_lz4(path: &Path) {
    let mut w = writer(
        path,
        "message m { required int64 x; optional binary s (UTF8); }",
        Compression::LZ4,
    );
    let mut rg = w.next_row_group().unwrap();
    let mut col = rg.next_column().unwrap().unwrap();
    let xs: Vec<i64> = (0..1000).collect();
    col.typed::<Int64Type>()
        .write_batch(&xs, None, None)
        .unwrap();
    col.close().unwrap();
    let mut col = rg.next_column().unwrap().unwrap();
    let s: Vec<ByteArray> = (0..500)
        .map(|i| ByteArray::from(format!("v{}", i % 7).as_str()))
        .collect();
    let defs: Vec<i16> = (0..1000).map(|i| (i % 2) as i16).collect();
    col.typed::<ByteArrayType>()
        .write_batch(&s, Some(&defs), None)
        .unwrap();
    col.close().unwrap();
    rg.close().unwrap();
    w.close().unwrap();
}

/// Writes the whole corpus into `dir`.
fn corpus(dir: &Path) -> Vec<PathBuf> {
    let (ok, text) = corpus_script(&[Path::new("write"), dir]);
    assert!(ok, "{text}");
    write_repeated_group_no_annotation(&dir.join("repeated_group_no_annotation.parquet"));
    write_two_level_list(&dir.join("two_level_list.parquet"));
    write_hadoop_lz4(&dir.join("codec_lz4_hadoop.parquet"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 25, "{files:?}");
    files
}

/// Files of the corpus wasmprep refuses, and what the error must say.
const REFUSED: &[(&str, &str)] = &[
    (
        "encrypted_footer",
        "the footer is encrypted (magic PARE); encrypted Parquet files are not supported",
    ),
    (
        "encrypted_plaintext_footer",
        "column `secret`: encrypted (plaintext footer); encrypted Parquet files are not supported",
    ),
];

#[test]
fn every_corpus_file_round_trips_or_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("corpus");
    std::fs::create_dir(&data).unwrap();
    let job = passthrough_job(dir.path(), "");
    let mut wrong = Vec::new();
    for file in corpus(&data) {
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        let out = dir.path().join(format!("out-{stem}"));
        let result = run(&job, &file, &out);
        let refused = REFUSED.iter().find(|(name, _)| *name == stem);
        match (result.status.success(), refused) {
            (true, None) => {
                let (equal, text) = corpus_script(&[Path::new("compare"), &file, &out]);
                if !equal {
                    wrong.push(format!("{stem}: output differs from the input: {text}"));
                }
            }
            (false, Some((_, reason))) => {
                let err = stderr(&result);
                let named = format!("{}: ", file.display());
                if !err.contains(&named) || !err.contains(reason) {
                    wrong.push(format!("{stem}: expected `{named}{reason}`, got: {err}"));
                }
                assert!(!out.exists(), "{stem}: refused after touching the output");
            }
            (true, Some(_)) => wrong.push(format!("{stem}: should be refused but ran")),
            (false, None) => wrong.push(format!("{stem}: failed: {}", stderr(&result))),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

/// Rewrites `path`'s footer: `edit` gets the footer's total row count and
/// row groups and returns them changed (the data pages stay as they are).
fn rewrite_footer(
    path: &Path,
    edit: impl FnOnce(i64, Vec<RowGroupMetaData>) -> (i64, Vec<RowGroupMetaData>),
) {
    let bytes = std::fs::read(path).unwrap();
    let len = u32::from_le_bytes(bytes[bytes.len() - 8..bytes.len() - 4].try_into().unwrap());
    let data = &bytes[..bytes.len() - 8 - len as usize];
    let metadata = ParquetMetaDataReader::new()
        .parse_and_finish(&File::open(path).unwrap())
        .unwrap();
    let file = metadata.file_metadata();
    let (rows, groups) = edit(file.num_rows(), metadata.row_groups().to_vec());
    let file = FileMetaData::new(
        file.version(),
        rows,
        file.created_by().map(str::to_string),
        file.key_value_metadata().cloned(),
        file.schema_descr_ptr(),
        file.column_orders().cloned(),
    );
    let metadata = ParquetMetaDataBuilder::new(file)
        .set_row_groups(groups)
        .build();
    let mut out = data.to_vec();
    ParquetMetaDataWriter::new(&mut out, &metadata)
        .finish()
        .unwrap();
    std::fs::write(path, out).unwrap();
}

/// Issue 7, item 2: `repeated_no_annotation.parquet` read as 0 rows with
/// exit 0. Its footer's total row count is 0 while its row group holds 6,
/// and the reader sized its batches by the total; the row groups are what
/// is read now, as pyarrow and DuckDB do.
#[test]
fn a_footer_total_of_zero_rows_does_not_lose_the_row_groups() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("phones.parquet");
    write_repeated_group_no_annotation(&input);
    rewrite_footer(&input, |_, groups| (0, groups));
    let out = dir.path().join("out");
    let result = run(&passthrough_job(dir.path(), ""), &input, &out);
    assert!(result.status.success(), "{}", stderr(&result));
    assert_eq!(manifest(&out)["totals"]["rows_written"], 3);
    let (equal, text) = corpus_script(&[Path::new("compare"), &input, &out]);
    assert!(equal, "{text}");

    let result = wasmprep(&[
        "plugin",
        "run",
        wasmprep_artifacts::PASSTHROUGH,
        "--input",
        input.to_str().unwrap(),
        "--config",
        "columns=id",
        "--config",
        "type=int32",
        "--output",
        dir.path().join("plugin-out.parquet").to_str().unwrap(),
    ]);
    assert!(result.status.success(), "{}", stderr(&result));
    assert!(
        stderr(&result).contains("3 rows in, 3 rows out"),
        "{}",
        stderr(&result)
    );
}

/// Issue 7, item 2: when fewer rows are read than the footer's row groups
/// hold (here the footer claims 5 where the pages hold 3), the partition
/// fails naming the file, also when only some columns are read, and so
/// does `plugin run`: never a short output with exit 0.
#[test]
fn rows_read_short_of_the_footer_fail_the_partition() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("phones.parquet");
    write_repeated_group_no_annotation(&input);
    rewrite_footer(&input, |_, groups| {
        let group = groups[0].clone();
        let columns = group
            .columns()
            .iter()
            .map(|c| c.clone().into_builder().set_num_values(5).build().unwrap())
            .collect();
        let group = group
            .into_builder()
            .set_num_rows(5)
            .set_column_metadata(columns)
            .build()
            .unwrap();
        (5, vec![group])
    });
    let only_id = dir.path().join("only-id.toml");
    std::fs::write(
        &only_id,
        "[input]\nformat = \"parquet\"\n[[steps]]\nselect = [\"id\"]\n[output]\n",
    )
    .unwrap();
    for (name, job) in [("all", passthrough_job(dir.path(), "")), ("id", only_id)] {
        let out = dir.path().join(format!("out-{name}"));
        let result = run(&job, &input, &out);
        let err = stderr(&result);
        assert_eq!(result.status.code(), Some(1), "{name}: {err}");
        assert!(err.contains(&input.display().to_string()), "{name}: {err}");
        assert!(!out.join("_SUCCESS").exists());
        assert!(!out.join("part-00000.parquet").exists());
    }
    let result = wasmprep(&[
        "plugin",
        "run",
        wasmprep_artifacts::PASSTHROUGH,
        "--input",
        input.to_str().unwrap(),
        "--config",
        "columns=id",
        "--config",
        "type=int32",
        "--output",
        dir.path().join("plugin-out.parquet").to_str().unwrap(),
    ]);
    let err = stderr(&result);
    assert_eq!(result.status.code(), Some(1), "{err}");
    assert!(err.contains(&input.display().to_string()), "{err}");
    assert!(!dir.path().join("plugin-out.parquet").exists());
}

/// Issue 7, item 8: `validate` refuses encrypted files (plaintext footer
/// or not) naming the file and column, as `run` does before creating the
/// output.
#[test]
fn encrypted_files_are_refused_by_validate_and_before_any_output() {
    let dir = tempfile::tempdir().unwrap();
    let data = write_corpus(dir.path());
    let job = passthrough_job(dir.path(), "");
    for (stem, reason) in REFUSED {
        let file = data.join(format!("{stem}.parquet"));
        let result = wasmprep(&[
            "validate",
            job.to_str().unwrap(),
            "--input",
            file.to_str().unwrap(),
        ]);
        let err = stderr(&result);
        assert_eq!(result.status.code(), Some(1), "{err}");
        assert!(
            err.contains(&format!("{}: {reason}", file.display())),
            "{err}"
        );
        let out = dir.path().join(format!("out-{stem}"));
        let result = run(&job, &file, &out);
        assert!(stderr(&result).contains(reason), "{}", stderr(&result));
        assert!(!out.exists());
    }
}

/// Issue 7, item 5: INT96 instants past 2262 (Spark's 9999-12-31) keep
/// their date: read as microseconds, not wrapped nanoseconds.
#[test]
fn int96_past_2262_keeps_its_date() {
    let dir = tempfile::tempdir().unwrap();
    let data = write_corpus(dir.path());
    let out = passthrough_ok(dir.path(), &data.join("int96_far.parquet"));
    let (schema, batches) =
        wasmprep::io::parquet::read(&out.join("part-00000.parquet"), None, 1024).unwrap();
    let ts = batches[0]
        .column(0)
        .as_any()
        .downcast_ref::<arrow::array::TimestampMicrosecondArray>()
        .unwrap_or_else(|| panic!("{schema:?}"));
    // 9999-12-31T23:59:59.999999 and 0001-01-01.
    assert_eq!(ts.value(0), 253_402_300_799_999_999);
    assert_eq!(ts.value(1), -62_135_596_800_000_000);
}

/// Issue 7, item 11: every column chunk of a part file with values has
/// min/max statistics (floats included) and a null count.
#[test]
fn part_files_carry_statistics_for_every_column() {
    let dir = tempfile::tempdir().unwrap();
    let data = write_corpus(dir.path());
    let out = passthrough_ok(dir.path(), &data.join("codec_none.parquet"));
    let (ok, text) = corpus_script(&[Path::new("stats"), &out]);
    assert!(ok, "{text}");
}

/// A generated taxi sample without bad rows, in one file under `dir/data`.
fn clean_taxi_sample(dir: &Path, rows: u64, seed: u64) -> PathBuf {
    let data = dir.join("data");
    let sample = wasmprep::sample::TaxiSample {
        rows,
        files: 1,
        seed,
        bad_rows_per_million: 0,
    };
    wasmprep::sample::write_taxi_csv(&data, &sample).unwrap();
    data
}

/// `output.row_group_mib` ends row groups by size (so a writer's memory is
/// bounded whatever the partition size), and the rows stay the same rows in
/// the same order.
#[test]
fn row_groups_end_at_row_group_mib_with_the_same_rows() {
    let dir = tempfile::tempdir().unwrap();
    let data = clean_taxi_sample(dir.path(), 60_000, 5);
    let run_with = |name: &str, output: &str| {
        let sub = dir.path().join(name);
        std::fs::create_dir(&sub).unwrap();
        let job = crate::taxi_job(&sub, |t| t.replace("[output]", output));
        let out = sub.join("out");
        // A row group holds at least one batch, so batches smaller than the cap.
        let done = crate::job::run_job(&job, &data, &out, &["--batch-rows", "4096"]);
        assert!(done.status.success(), "{}", stderr(&done));
        let (mut groups, mut batches) = (Vec::new(), Vec::new());
        for (name, _) in crate::part_files(&out) {
            let file = File::open(out.join(&name)).unwrap();
            let meta = ParquetMetaDataReader::new()
                .parse_and_finish(&file)
                .unwrap();
            groups.extend(meta.row_groups().iter().map(|g| g.total_byte_size()));
            batches.extend(
                wasmprep::io::parquet::read(&out.join(&name), None, 65_536)
                    .unwrap()
                    .1,
            );
        }
        let schema = batches[0].schema();
        (
            groups,
            arrow::compute::concat_batches(&schema, &batches).unwrap(),
        )
    };
    let (default_groups, default_rows) = run_with("default", "[output]");
    let (small_groups, small_rows) = run_with("small", "[output]\nrow_group_mib = 0.25");
    assert_eq!(
        default_groups.len(),
        1,
        "8 MiB holds the sample's one partition"
    );
    assert!(small_groups.len() >= 6, "{small_groups:?}");
    let cap = 1 << 18;
    assert!(
        small_groups.iter().all(|&bytes| bytes <= 2 * cap),
        "row groups of {small_groups:?} bytes against a cap of {cap}"
    );
    assert_eq!(small_rows, default_rows);
}

/// An output of 4 partitions (1000 rows of `x`, 250 per row group), written
/// by a job whose step is the passthrough plugin.
fn clean_output(dir: &Path) -> PathBuf {
    let input = dir.join("in.parquet");
    let batch = crate::x_batch(1000);
    let options = wasmprep::io::parquet::WriteOptions {
        row_group_rows: 250,
        ..Default::default()
    };
    wasmprep::io::parquet::write(&input, batch.schema(), &[batch], &options).unwrap();
    let job = dir.join("job.toml");
    std::fs::write(
        &job,
        format!(
            "name = \"provenance\"\n[input]\nformat = \"parquet\"\npartition_mib = 0.000001\n\
             [[steps]]\nplugin = \"{}\"\nconfig = {{ columns = \"x\" }}\n[output]\n",
            wasmprep_artifacts::PASSTHROUGH
        ),
    )
    .unwrap();
    let out = dir.join("out");
    let result = run(&job, &input, &out);
    assert!(result.status.success(), "{}", stderr(&result));
    assert_eq!(manifest(&out)["partitions"].as_array().unwrap().len(), 4);
    out
}

/// Issue 7, item 12: each part file's footer names the job, its digest,
/// the plugins and the wasmprep version.
#[test]
fn part_files_record_their_provenance() {
    let dir = tempfile::tempdir().unwrap();
    let out = clean_output(dir.path());
    let m = manifest(&out);
    let file = File::open(out.join("part-00002.parquet")).unwrap();
    let metadata = ParquetMetaDataReader::new()
        .parse_and_finish(&file)
        .unwrap();
    let kv: std::collections::HashMap<String, String> = metadata
        .file_metadata()
        .key_value_metadata()
        .unwrap()
        .iter()
        .map(|kv| (kv.key.clone(), kv.value.clone().unwrap_or_default()))
        .collect();
    assert_eq!(kv["wasmprep.job"], "provenance");
    assert_eq!(kv["wasmprep.job_digest"], m["job_digest"].as_str().unwrap());
    assert_eq!(kv["wasmprep.version"], env!("CARGO_PKG_VERSION"));
    let plugins: serde_json::Value = serde_json::from_str(&kv["wasmprep.plugins"]).unwrap();
    assert_eq!(plugins[0]["name"], "passthrough");
    assert_eq!(plugins[0]["sha256"], m["plugins"][0]["sha256"]);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn verify(out: &Path) -> (Option<i32>, String) {
    let result = wasmprep(&["verify", out.to_str().unwrap()]);
    (
        result.status.code(),
        String::from_utf8_lossy(&result.stdout).into_owned() + &stderr(&result),
    )
}

fn edit_manifest(out: &Path, edit: impl Fn(&mut serde_json::Value)) {
    let mut m = manifest(out);
    edit(&mut m);
    std::fs::write(
        out.join("_manifest.json"),
        serde_json::to_vec_pretty(&m).unwrap(),
    )
    .unwrap();
}

/// A damage done to an output, and what `verify` must say about it.
type Damage = (&'static str, fn(&Path), &'static str);

const DAMAGES: &[Damage] = &[
    (
        "truncated part",
        |out| {
            let path = out.join("part-00001.parquet");
            let bytes = std::fs::read(&path).unwrap();
            std::fs::write(&path, &bytes[..bytes.len() - 10]).unwrap();
        },
        "part-00001.parquet: the Parquet footer does not read",
    ),
    (
        "flipped byte",
        |out| {
            let path = out.join("part-00002.parquet");
            let mut bytes = std::fs::read(&path).unwrap();
            bytes[100] ^= 0x01;
            std::fs::write(&path, &bytes).unwrap();
        },
        "part-00002.parquet: sha256 ",
    ),
    (
        "deleted part",
        |out| std::fs::remove_file(out.join("part-00003.parquet")).unwrap(),
        "part-00003.parquet: missing",
    ),
    (
        "missing _SUCCESS",
        |out| std::fs::remove_file(out.join("_SUCCESS")).unwrap(),
        "_SUCCESS is missing",
    ),
    (
        "edited count",
        |out| {
            edit_manifest(out, |m| {
                let p = &mut m["partitions"][0];
                p["rows_written"] = 251.into();
                p["rows_read"] = 251.into();
            })
        },
        "part-00000.parquet: its footer holds 250 rows, the manifest says 251 written",
    ),
    (
        "unbalanced partition",
        |out| edit_manifest(out, |m| m["partitions"][1]["rows_filtered"] = 5.into()),
        "part-00001.parquet: rows do not balance: 250 read != 250 written + 5 filtered + 0 rejected",
    ),
    (
        "missing quarantine file",
        |out| {
            edit_manifest(out, |m| {
                m["partitions"][2]["rejected_file"] = "_rejected/part-00002.csv".into()
            })
        },
        "part-00002.parquet: its rejected rows, _rejected/part-00002.csv, are missing",
    ),
];

/// Issue 7, item 12: `wasmprep verify` passes a clean run and names each
/// damage; with every damage at once, it lists them all.
#[test]
fn verify_passes_a_clean_output_and_names_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    let clean = clean_output(dir.path());
    let (code, text) = verify(&clean);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("ok: 4 partition(s), 1000 rows"), "{text}");

    for (what, damage, message) in DAMAGES {
        let out = dir.path().join(what.replace(' ', "-"));
        copy_dir(&clean, &out);
        damage(&out);
        let (code, text) = verify(&out);
        assert_eq!(code, Some(1), "{what}: {text}");
        assert!(
            text.contains(message),
            "{what}: expected `{message}` in:\n{text}"
        );
    }

    let all = dir.path().join("all");
    copy_dir(&clean, &all);
    for (_, damage, _) in DAMAGES {
        damage(&all);
    }
    let (code, text) = verify(&all);
    assert_eq!(code, Some(1), "{text}");
    for (what, _, message) in DAMAGES {
        assert!(
            text.contains(message),
            "{what}: expected `{message}` in:\n{text}"
        );
    }
}

/// Floats, timestamps and durations get a dictionary where their values
/// repeat (money in cents, coordinates rounded to 0.01, trip durations in
/// whole seconds) and none where they are nearly distinct (raw
/// coordinates and distances stay plain, timestamps are delta-encoded);
/// integers keep theirs. The values read back are the same either way (the
/// DuckDB cross-check reads them).
#[test]
fn floats_get_a_dictionary_where_their_values_repeat() {
    let dir = tempfile::tempdir().unwrap();
    let data = clean_taxi_sample(dir.path(), 30_000, 9);
    let job = crate::taxi_job(dir.path(), |t| t.to_string());
    let out = dir.path().join("out");
    let done = crate::job::run_job(&job, &data, &out, &[]);
    assert!(done.status.success(), "{}", stderr(&done));
    let (name, _) = crate::part_files(&out).remove(0);
    let file = File::open(out.join(name)).unwrap();
    let meta = ParquetMetaDataReader::new()
        .parse_and_finish(&file)
        .unwrap();
    let group = meta.row_group(0);
    let chunk = |column: &str| {
        group
            .columns()
            .iter()
            .find(|c| c.column_path().string() == column)
            .unwrap_or_else(|| panic!("no column {column}"))
    };
    let dictionary = |column: &str| chunk(column).dictionary_page_offset().is_some();
    let delta = |column: &str| {
        chunk(column)
            .encodings()
            .any(|e| e == ::parquet::basic::Encoding::DELTA_BINARY_PACKED)
    };
    for column in [
        "fare_amount",
        "total_amount",
        "pickup_latitude_r",
        "dropoff_longitude_r",
        "diff",
        "passenger_count",
    ] {
        assert!(dictionary(column), "{column} has no dictionary");
    }
    for column in [
        "pickup_longitude",
        "dropoff_latitude",
        "pickup_datetime",
        "h_distance",
    ] {
        assert!(!dictionary(column), "{column} has a dictionary");
    }
    for column in ["pickup_datetime", "dropoff_datetime"] {
        assert!(delta(column), "{column} is not delta-encoded");
    }
    assert!(!delta("diff") && !delta("fare_amount"));
}

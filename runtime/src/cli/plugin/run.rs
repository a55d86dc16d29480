//! `wasmprep plugin run`: run a plugin over one file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use std::sync::atomic::AtomicBool;

use anyhow::{bail, Context};
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use wasmprep::exec::source::Source;
use wasmprep::exec::steps::Steps;
use wasmprep::exec::stream::{stream, Sink, Streamed};
use wasmprep::io::csv::{BadRows, CsvOptions, CsvReader, RowError};
use wasmprep::io::{parquet, typed_csv};
use wasmprep::job::spec::PluginStep;
use wasmprep::job::{Pipeline, Step};
use wasmprep::sandbox::{ModuleCache, Sandbox};
use wasmprep::schema::type_name;

use super::ConfigArgs;

/// Run a plugin over a Parquet or CSV file; write Parquet, or print a table.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  \
    wasmprep plugin run target/plugins/taxi-clean.wasm --input trips.parquet --output clean.parquet\n  \
    wasmprep plugin run target/plugins/haversine.wasm --input trips.csv \\\n    \
      --schema 'pickup_latitude:float32,pickup_longitude:float32,dropoff_latitude:float32,dropoff_longitude:float32'\n\n\
    CSV input: a header that gives each column's type (name:type) is used as it is;\n\
    otherwise the header names the columns and their types are inferred from the first\n\
    1000 rows (int64, float64, bool, date32, timestamp[us] or utf8; the result is printed),\n\
    and --schema sets the type of any of them (types: bool, int8..int64, uint8..uint64,\n\
    float32, float64, utf8, date32, timestamp[ms], duration[ms], ...; aliases int, float,\n\
    double, date, boolean, string). An empty field is null.\n\n\
    After the run, the plugin's cost is printed: rows/s and ns/row of its calls.")]
pub struct Args {
    /// The plugin component (.wasm).
    pub plugin: PathBuf,

    /// Input file: .parquet, or .csv.
    #[arg(long)]
    pub input: PathBuf,

    /// Output Parquet file; without it the result is printed.
    #[arg(long)]
    pub output: Option<PathBuf>,

    /// Types of some or all columns of a CSV input, by name: "name:type,name:type"
    /// (the others are inferred).
    #[arg(long, value_name = "COLUMNS")]
    pub schema: Option<String>,

    /// Rows per batch (at least 1).
    #[arg(long, default_value_t = 65_536, value_parser = crate::cli::at_least_one())]
    pub batch_rows: usize,

    /// Rows printed without --output.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,

    #[command(flatten)]
    pub config: ConfigArgs,
}

/// How a CSV file is read: columns, options, byte range.
type CsvLayout = (
    Vec<wasmprep::io::csv::CsvColumn>,
    CsvOptions,
    Option<(u64, u64)>,
);

/// The input's schema, and a function that opens it read through a
/// projection.
fn input_schema(args: &Args) -> anyhow::Result<(SchemaRef, Option<CsvLayout>)> {
    if is_parquet(&args.input) {
        return Ok((parquet::layout(&args.input)?.0, None));
    }
    let layout = csv_layout(&args.input, args.schema.as_deref())?;
    let schema = wasmprep::io::csv::schema_of(&layout.0);
    Ok((schema, Some(layout)))
}

fn open_source(
    args: &Args,
    csv: Option<CsvLayout>,
    projection: &[usize],
) -> anyhow::Result<Source> {
    let Some((columns, options, range)) = csv else {
        return Ok(Source::parquet(&args.input, projection, args.batch_rows)?);
    };
    let reader = CsvReader::open(
        &args.input,
        &options,
        &columns,
        Some(projection),
        range,
        args.batch_rows,
        BadRows::Fail,
    )?;
    Ok(Source::Csv(Box::new(reader)))
}

fn is_parquet(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

/// Rows read to infer a CSV file's column types.
const INFER_ROWS: usize = 1000;

/// Columns of a CSV file: from a typed header (`name:type,...`), or named by
/// its header with types inferred from its first rows, `--schema` setting
/// the type of any of them.
fn csv_layout(path: &Path, schema: Option<&str>) -> anyhow::Result<CsvLayout> {
    if schema.is_none() {
        if let Some(layout) = typed_header(path)? {
            return Ok(layout);
        }
    }
    let options = CsvOptions::default();
    let mut columns = wasmprep::io::csv::infer_columns(path, &options, INFER_ROWS)?;
    let given = match schema {
        Some(spec) => typed_csv::parse_columns(spec)?,
        None => Vec::new(),
    };
    for g in &given {
        let Some(c) = columns.iter_mut().find(|c| c.name == g.name) else {
            let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
            bail!(
                "--schema names `{}`, which {} does not have (its header: {})",
                g.name,
                path.display(),
                names.join(", ")
            );
        };
        c.data_type = g.data_type.clone();
    }
    if given.len() < columns.len() {
        let list: Vec<String> = columns
            .iter()
            .map(|c| format!("{}:{}", c.name, type_name(&c.data_type)))
            .collect();
        eprintln!(
            "columns: {} (types inferred from the first {INFER_ROWS} rows; --schema NAME:TYPE,... sets any of them)",
            list.join(",")
        );
    }
    Ok((columns, options, None))
}

/// The columns of a CSV file whose header gives each one's type
/// (`name:type,...`), read after the header; None for a plain header.
fn typed_header(path: &Path) -> anyhow::Result<Option<CsvLayout>> {
    use wasmprep::io::compression::Compression;
    // The rows after a header are a byte range, which a compressed file
    // cannot be cut into: its types are inferred.
    if Compression::of_file(path)? != Compression::None {
        return Ok(None);
    }
    let (columns, range) = match typed_csv::header_columns(path) {
        Ok(typed) => typed,
        Err(wasmprep::io::Error::Format { .. }) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let options = CsvOptions {
        header: false,
        ..CsvOptions::default()
    };
    Ok(Some((columns, options, Some(range))))
}

pub fn run(args: Args, cache: ModuleCache) -> anyhow::Result<ExitCode> {
    let sandbox = Sandbox::new(cache)?;
    let step = Step::Plugin(PluginStep {
        path: args.plugin.clone(),
        config: args.config.entries()?,
        limits: Default::default(),
        grants: Default::default(),
        sha256: None,
        fit: false,
        parameters: None,
    });
    let (schema, csv) = input_schema(&args)?;
    let pipeline = Pipeline::build(&sandbox, &[step], &schema)?;
    let mut source = open_source(&args, csv, &pipeline.projection)?;
    let mut sink = match &args.output {
        Some(path) => Output::File(Box::new(ParquetFile::create(
            path,
            pipeline.output_schema.clone(),
        )?)),
        None => Output::Table(Vec::new()),
    };
    let name = args.input.display().to_string();
    let never = AtomicBool::new(false);
    let counts = stream(
        &mut source,
        &mut Steps::new(&pipeline),
        &name,
        &never,
        &mut sink,
    )?;
    match (sink, &args.output) {
        (Output::File(file), Some(path)) => {
            file.finish(path)?;
            eprintln!(
                "{} rows in, {} rows out -> {}",
                counts.rows_in,
                counts.rows_out,
                path.display()
            );
        }
        (Output::Table(batches), _) => print_table(&pipeline.output_schema, &batches, args.limit)?,
        (Output::File(_), None) => unreachable!("a file only with --output"),
    }
    eprintln!("{}", cost(&pipeline, &counts));
    Ok(ExitCode::SUCCESS)
}

/// What the plugin's calls cost: rows/s and ns/row (the time in the steps,
/// not reading or writing).
fn cost(pipeline: &Pipeline, counts: &Streamed) -> String {
    let name = pipeline
        .plugins()
        .first()
        .map_or_else(String::new, |p| p.contract().name.clone());
    let secs = counts.step_time.as_secs_f64();
    let rows = counts.rows_in as f64;
    let (per_sec, ns) = if rows > 0.0 && secs > 0.0 {
        (rows / secs, secs * 1e9 / rows)
    } else {
        (0.0, 0.0)
    };
    format!(
        "plugin {name}: {} rows in {} batch(es), {secs:.3} s in the plugin: {per_sec:.0} rows/s, {ns:.1} ns/row",
        counts.rows_in, counts.batches
    )
}

/// Where `plugin run` puts its result.
enum Output {
    /// A Parquet file, renamed into place when complete.
    File(Box<ParquetFile>),
    /// Batches to print.
    Table(Vec<RecordBatch>),
}

impl Sink for Output {
    fn rejected(&mut self, _: RowError) {
        unreachable!("plugin run reads with BadRows::Fail")
    }

    fn write(
        &mut self,
        batch: RecordBatch,
        _at: &wasmprep::sandbox::BatchLocation,
    ) -> wasmprep::exec::Result<()> {
        match self {
            Output::File(f) => f.write(&batch),
            Output::Table(batches) => {
                batches.push(batch);
                Ok(())
            }
        }
    }
}

/// A Parquet file written under a temporary name beside its destination.
struct ParquetFile {
    writer: ::parquet::arrow::ArrowWriter<tempfile::NamedTempFile>,
    path: PathBuf,
}

impl ParquetFile {
    fn create(path: &Path, schema: SchemaRef) -> anyhow::Result<Self> {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let tmp = tempfile::Builder::new()
            .prefix(".wasmprep-")
            .tempfile_in(dir)
            .with_context(|| format!("creating a file in {}", dir.display()))?;
        let props = parquet::WriteOptions::default().properties(&schema, None)?;
        let writer = ::parquet::arrow::ArrowWriter::try_new(tmp, schema, Some(props))?;
        Ok(ParquetFile {
            writer,
            path: path.to_path_buf(),
        })
    }

    fn write(&mut self, batch: &RecordBatch) -> wasmprep::exec::Result<()> {
        self.writer
            .write(batch)
            .map_err(|e| parquet::writing(&self.path)(e).into())
    }

    /// Completes the file (float orders every reader knows) and renames it
    /// to `path`.
    fn finish(self, path: &Path) -> anyhow::Result<()> {
        let mut tmp = self.writer.into_inner()?;
        parquet::footer::type_defined_float_order(tmp.as_file_mut())?;
        tmp.persist(path)
            .with_context(|| format!("writing {}", path.display()))?;
        Ok(())
    }
}

fn print_table(schema: &SchemaRef, batches: &[RecordBatch], limit: usize) -> anyhow::Result<()> {
    let total: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let all = arrow::compute::concat_batches(schema, batches)?;
    let shown = all.slice(0, total.min(limit));
    println!("{}", arrow::util::pretty::pretty_format_batches(&[shown])?);
    if total > limit {
        println!(
            "({} more rows; --limit to see more, --output to write them all)",
            total - limit
        );
    }
    Ok(())
}

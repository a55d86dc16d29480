//! `wasmprep plugin run`: run a plugin over one file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use std::sync::atomic::AtomicBool;

use anyhow::{bail, Context};
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use wasmprep::exec::source::Source;
use wasmprep::exec::steps::Steps;
use wasmprep::exec::stream::{stream, Sink};
use wasmprep::io::csv::{BadRows, CsvOptions, CsvReader, RowError};
use wasmprep::io::{parquet, typed_csv};
use wasmprep::job::spec::PluginStep;
use wasmprep::job::{Pipeline, Step};
use wasmprep::sandbox::{ModuleCache, Sandbox};

use super::ConfigArgs;

/// Run a plugin over a Parquet or CSV file; write Parquet, or print a table.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  \
    wasmprep plugin run target/plugins/taxi-clean.wasm --input trips.parquet --output clean.parquet\n  \
    wasmprep plugin run target/plugins/haversine.wasm --input trips.csv \\\n    \
      --schema 'pickup_latitude:float32,pickup_longitude:float32,dropoff_latitude:float32,dropoff_longitude:float32'\n\n\
    CSV input: either its header gives each column's type (name:type), or --schema does\n\
    (types: bool, int8..int64, uint8..uint64, float32, float64, utf8, date32,\n\
    timestamp[ms], duration[ms], ...; aliases int, float, double, date, boolean, string).\n\
    An empty field is null.")]
pub struct Args {
    /// The plugin component (.wasm).
    pub plugin: PathBuf,

    /// Input file: .parquet, or .csv.
    #[arg(long)]
    pub input: PathBuf,

    /// Output Parquet file; without it the result is printed.
    #[arg(long)]
    pub output: Option<PathBuf>,

    /// Column types of a CSV input, in file order: "name:type,name:type".
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

/// Columns of a CSV file: from --schema, or from a typed header.
fn csv_layout(path: &Path, schema: Option<&str>) -> anyhow::Result<CsvLayout> {
    if let Some(spec) = schema {
        return Ok((typed_csv::parse_columns(spec)?, CsvOptions::default(), None));
    }
    let text = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let header_len = text
        .iter()
        .position(|&b| b == b'\n')
        .map_or(text.len(), |i| i + 1);
    let header = String::from_utf8_lossy(&text[..header_len]);
    match typed_csv::parse_columns(header.trim_end()) {
        Ok(columns) => {
            let options = CsvOptions {
                header: false,
                ..CsvOptions::default()
            };
            Ok((columns, options, Some((header_len as u64, text.len() as u64))))
        }
        Err(_) => bail!(
            "{}: give the CSV column types with --schema \"name:type,...\" (or write them in the header as name:type)",
            path.display()
        ),
    }
}

pub fn run(args: Args, cache: ModuleCache) -> anyhow::Result<ExitCode> {
    let sandbox = Sandbox::new(cache)?;
    let step = Step::Plugin(PluginStep {
        path: args.plugin.clone(),
        config: args.config.entries()?,
        limits: Default::default(),
        grants: Default::default(),
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
    Ok(ExitCode::SUCCESS)
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

    fn write(&mut self, batch: RecordBatch) -> wasmprep::exec::Result<()> {
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
        let props = parquet::WriteOptions::default().properties(&schema)?;
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

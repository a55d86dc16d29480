//! `wasmprep plugin run`: run a plugin over one file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use wasmprep::io::csv::{BadRows, CsvOptions, CsvReader};
use wasmprep::io::{parquet, typed_csv};
use wasmprep::sandbox::{BatchLocation, ModuleCache, PluginSettings, Sandbox};

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

/// Batches of the input, and their schema.
type Batches = (
    SchemaRef,
    Box<dyn Iterator<Item = anyhow::Result<RecordBatch>>>,
);

/// How a CSV file is read: columns, options, byte range.
type CsvLayout = (
    Vec<wasmprep::io::csv::CsvColumn>,
    CsvOptions,
    Option<(u64, u64)>,
);

fn read_input(args: &Args) -> anyhow::Result<Batches> {
    let path = &args.input;
    if is_parquet(path) {
        let reader = parquet::open(path, None, args.batch_rows)?;
        let schema = arrow::record_batch::RecordBatchReader::schema(&reader);
        return Ok((
            schema,
            Box::new(reader.map(|b| b.context("reading the input"))),
        ));
    }
    let (columns, options, range) = csv_layout(path, args.schema.as_deref())?;
    let reader = CsvReader::open(
        path,
        &options,
        &columns,
        None,
        range,
        args.batch_rows,
        BadRows::Fail,
    )?;
    let schema = reader.schema();
    Ok((
        schema,
        Box::new(reader.map(|b| b.map_err(anyhow::Error::from))),
    ))
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
    let settings = PluginSettings {
        config: args.config.entries()?,
        ..PluginSettings::default()
    };
    let plugin = sandbox.load(&args.plugin, settings)?;
    let (schema, batches) = read_input(&args)?;
    let plan = plugin.contract().bind(&schema)?;
    let mut instance = plugin.instantiate()?;
    let mut first_row = 0u64;
    let mut outputs = Vec::new();
    let mut writer = match &args.output {
        Some(path) => Some(parquet_writer(path, plan.output_schema.clone())?),
        None => None,
    };
    let source = args.input.display().to_string();
    let (mut rows_in, mut rows_out) = (0u64, 0u64);
    for (index, batch) in batches.enumerate() {
        let batch = batch?;
        let at = BatchLocation {
            source: source.clone(),
            batch: index,
            first_row,
            rows: batch.num_rows(),
        };
        first_row += batch.num_rows() as u64;
        rows_in += batch.num_rows() as u64;
        let out = instance.process(&plan, &batch, &at)?;
        rows_out += out.num_rows() as u64;
        match &mut writer {
            Some(w) => w.write(&out)?,
            None => outputs.push(out),
        }
    }
    if is_parquet(&args.input) {
        let expected = parquet::footer_rows(&args.input)?;
        if let Err(e) = parquet::check_rows_read(&args.input, "the file", expected, rows_in) {
            // No output rather than a short (and unfinished) one.
            if let Some(path) = &args.output {
                let _ = std::fs::remove_file(path);
            }
            return Err(e.into());
        }
    }
    match (writer, &args.output) {
        (Some(w), Some(path)) => {
            let mut file = w.into_inner()?;
            parquet::footer::type_defined_float_order(&mut file)?;
            eprintln!(
                "{rows_in} rows in, {rows_out} rows out -> {}",
                path.display()
            );
        }
        _ => print_table(&plan.output_schema, &outputs, args.limit)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn parquet_writer(
    path: &Path,
    schema: SchemaRef,
) -> anyhow::Result<::parquet::arrow::ArrowWriter<std::fs::File>> {
    // Read and write: the footer is read back to fix its float orders.
    let file = std::fs::File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    let props = parquet::WriteOptions::default().properties(&schema)?;
    Ok(::parquet::arrow::ArrowWriter::try_new(
        file,
        schema,
        Some(props),
    )?)
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

use wasmprep_sdk::{Batch, Config, Contract, DataType, Output, Plugin, Result};

/// Every boundary type, nullable: each column is handed back as it came.
const COLUMNS: &[(&str, &str)] = &[
    ("c_bool", "bool"),
    ("c_i8", "int8"),
    ("c_i16", "int16"),
    ("c_i32", "int32"),
    ("c_i64", "int64"),
    ("c_u8", "uint8"),
    ("c_u16", "uint16"),
    ("c_u32", "uint32"),
    ("c_u64", "uint64"),
    ("c_f32", "float32"),
    ("c_f64", "float64"),
    ("c_utf8", "utf8"),
    ("c_large_utf8", "large_utf8"),
    ("c_binary", "binary"),
    ("c_large_binary", "large_binary"),
    ("c_date32", "date32"),
    ("c_ts_ms", "timestamp[ms]"),
    ("c_ts_us_tz", "timestamp[us, +01:00]"),
    ("c_duration_ns", "duration[ns]"),
];

pub struct Case;

impl Plugin for Case {
    fn configure(_: &mut Config) -> Result<Self> {
        Ok(Case)
    }

    fn contract(&self) -> Contract {
        COLUMNS.iter().fold(Contract::new("pass-through", "0.1.0"), |c, (name, t)| {
            let t = DataType::parse(t).expect("a boundary type");
            c.input(*name, t.clone()).nullable_output(*name, t)
        })
    }

    fn process(&mut self, mut batch: Batch) -> Result<Output> {
        let mut out = Output::new();
        for (name, _) in COLUMNS {
            out = out.column(batch.take(name)?);
        }
        Ok(out)
    }
}

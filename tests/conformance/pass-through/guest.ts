import * as wp from 'wasmprep-plugin';

// Every boundary type, nullable: each column is handed back as it came.
const COLUMNS: ReadonlyArray<readonly [name: string, type: string]> = [
  ['c_bool', 'bool'],
  ['c_i8', 'int8'],
  ['c_i16', 'int16'],
  ['c_i32', 'int32'],
  ['c_i64', 'int64'],
  ['c_u8', 'uint8'],
  ['c_u16', 'uint16'],
  ['c_u32', 'uint32'],
  ['c_u64', 'uint64'],
  ['c_f32', 'float32'],
  ['c_f64', 'float64'],
  ['c_utf8', 'utf8'],
  ['c_large_utf8', 'large_utf8'],
  ['c_binary', 'binary'],
  ['c_large_binary', 'large_binary'],
  ['c_date32', 'date32'],
  ['c_ts_ms', 'timestamp[ms]'],
  ['c_ts_us_tz', 'timestamp[us, +01:00]'],
  ['c_duration_ns', 'duration[ns]'],
];

export class Case extends wp.Plugin {
  configure(): wp.Contract {
    const contract = new wp.Contract('pass-through', '0.1.0');
    for (const [name, type] of COLUMNS) {
      const dataType = wp.DataType.parse(type);
      contract.input(name, dataType).nullableOutput(name, dataType);
    }
    return contract;
  }

  process(batch: wp.Batch): wp.Output {
    return new wp.Output(...COLUMNS.map(([name]) => batch.get(name)));
  }
}

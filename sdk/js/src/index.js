// Write wasmprep plugins in JavaScript (or TypeScript).
//
// A plugin declares a `Contract` (the columns it reads, the columns it
// writes, whether it filters rows) from its configuration, then transforms
// batches: it reads its input columns through typed-array views of the
// Arrow buffers and returns columns made by builders.
// `npx wasmprep-plugin build app.js -o plugin.wasm` makes the module a
// WebAssembly component (componentize-js) that the wasmprep host runs in a
// sandbox; the same class runs under node's test runner through
// `wasmprep-plugin/testing`.
//
//     import * as wp from 'wasmprep-plugin';
//
//     export class FarePerKm extends wp.Plugin {
//       configure(config) {
//         this.output = config.get('output', 'fare_per_km');
//         return new wp.Contract('fare-per-km', '0.1.0')
//           .input('fare_amount', wp.DataType.FLOAT64)
//           .input('trip_distance', wp.DataType.FLOAT64)
//           .nullableOutput(this.output, wp.DataType.FLOAT64);
//       }
//       process(batch) { ... return new wp.Output(out.finish()); }
//     }
//
//     export const transform = wp.exportPlugin(FarePerKm);

import * as log from './log.js';

export { Batch, Config, Output, asOutput } from './batch.js';
export {
  BinaryBuilder,
  BoolBuilder,
  BytesBuilder,
  Date32Builder,
  DurationBuilder,
  Float32Builder,
  Float64Builder,
  Int16Builder,
  Int32Builder,
  Int64Builder,
  Int8Builder,
  PrimitiveBuilder,
  Selection,
  TimestampBuilder,
  UInt16Builder,
  UInt32Builder,
  UInt64Builder,
  UInt8Builder,
  Utf8Builder,
  ValidityBuilder,
  builderFor,
  columnFromArray,
} from './builders.js';
export { BinaryView, Bitmap, Column, TextView, bitmapLen } from './column.js';
export { Failure, InvalidConfig, InvalidInput, PluginError } from './errors.js';
export { EXPORT_NAME, exportPlugin, exportPlugin as export } from './glue.js';
export { Plugin } from './plugin.js';
export { ColumnSpec, Contract, DataType, TimeUnit } from './types.js';
export { log };

export const VERSION = '0.1.0';

/** The componentize-js release the build command runs (and checks). */
export const COMPONENTIZE_JS_VERSION = '0.23.0';

/** The WIT world every plugin targets (the WIT ships in the package's wit/ folder). */
export const WORLD = 'plugin';

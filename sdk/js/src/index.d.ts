// TypeScript declarations of wasmprep-plugin (the kit is plain JavaScript
// with JSDoc; these are written by hand and checked by test/package.test.js
// to name every runtime export).

/** Resolution of timestamps and durations (the value is the host's short name). */
export declare const TimeUnit: {
  readonly SECOND: 's';
  readonly MILLISECOND: 'ms';
  readonly MICROSECOND: 'us';
  readonly NANOSECOND: 'ns';
};
export type TimeUnitName = 's' | 'ms' | 'us' | 'ns';

export type DataTypeKind =
  | 'bool' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'uint64'
  | 'float32' | 'float64' | 'utf8' | 'large_utf8' | 'binary' | 'large_binary' | 'date32'
  | 'timestamp' | 'duration';

/** An Arrow type a column may have at the plugin boundary. */
export declare class DataType {
  constructor(kind: DataTypeKind, unit?: TimeUnitName | null, timezone?: string | null);
  readonly kind: DataTypeKind;
  readonly unit: TimeUnitName | null;
  readonly timezone: string | null;
  static readonly BOOL: DataType;
  static readonly BOOLEAN: DataType;
  static readonly INT8: DataType;
  static readonly INT16: DataType;
  static readonly INT32: DataType;
  static readonly INT64: DataType;
  static readonly UINT8: DataType;
  static readonly UINT16: DataType;
  static readonly UINT32: DataType;
  static readonly UINT64: DataType;
  static readonly FLOAT32: DataType;
  static readonly FLOAT64: DataType;
  static readonly UTF8: DataType;
  static readonly LARGE_UTF8: DataType;
  static readonly BINARY: DataType;
  static readonly LARGE_BINARY: DataType;
  static readonly DATE32: DataType;
  static timestamp(unit: TimeUnitName, timezone?: string | null): DataType;
  static duration(unit: TimeUnitName): DataType;
  /** Reads a host type name (`float64`, `timestamp[ms, UTC]`, aliases `double`, `string`, ...). */
  static parse(name: string): DataType;
  readonly layout: 'bits' | 'fixed' | 'variable';
  readonly width: number;
  readonly arrayType: TypedArrayConstructor | undefined;
  readonly isBigInt: boolean;
  readonly isText: boolean;
  sameLayout(other: DataType): boolean;
  equals(other: unknown): boolean;
  toString(): string;
}

/** A DataType or a host type name. */
export type TypeLike = DataType | string;

type TypedArrayConstructor =
  | Int8ArrayConstructor | Int16ArrayConstructor | Int32ArrayConstructor | BigInt64ArrayConstructor
  | Uint8ArrayConstructor | Uint16ArrayConstructor | Uint32ArrayConstructor | BigUint64ArrayConstructor
  | Float32ArrayConstructor | Float64ArrayConstructor;

export type TypedArray =
  | Int8Array | Int16Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array | Uint32Array
  | BigUint64Array | Float32Array | Float64Array;

/** A column the plugin reads or writes. */
export declare class ColumnSpec {
  constructor(name: string, dataType: TypeLike, nullable: boolean);
  readonly name: string;
  readonly dataType: DataType;
  readonly nullable: boolean;
}

/** What a plugin does with its configuration: a builder. */
export declare class Contract {
  constructor(name: string, version: string);
  name: string;
  version: string;
  inputs: ColumnSpec[];
  outputs: ColumnSpec[];
  filtersRows: boolean;
  /** Reads a column that may hold nulls. */
  input(name: string, dataType: TypeLike): this;
  /** Reads a column that must not hold nulls (the host refuses a batch that has some). */
  requiredInput(name: string, dataType: TypeLike): this;
  /** Writes a column without nulls. */
  output(name: string, dataType: TypeLike): this;
  /** Writes a column that may hold nulls. */
  nullableOutput(name: string, dataType: TypeLike): this;
  /** Declares that `process` returns a row selection. */
  filters(): this;
  inputIndex(name: string): number;
}

/** Base of the errors a plugin reports. */
export declare class PluginError extends Error {
  constructor(message: string);
}
/** The configuration is wrong (unknown key, bad value, ...). */
export declare class InvalidConfig extends PluginError {}
/** A value cannot be processed: name the column and the row within the batch. */
export declare class InvalidInput extends PluginError {
  constructor(message: string, column?: string | null, row?: number | null);
  column: string | null;
  row: number | null;
}
/** Anything else. */
export declare class Failure extends PluginError {}

/** Bytes of a bitmap of `rows` bits. */
export declare function bitmapLen(rows: number): number;

/** Packed bits, least significant bit first. */
export declare class Bitmap implements Iterable<boolean> {
  constructor(bits: ArrayBufferView | ArrayBuffer, length: number);
  readonly bits: Uint8Array;
  readonly length: number;
  static fromBools(values: Iterable<unknown>): Bitmap;
  get(row: number): boolean;
  countSet(): number;
  toBytes(): Uint8Array;
  toArray(): boolean[];
  [Symbol.iterator](): Iterator<boolean>;
}

/** A JS value of a column: null for a null. */
export type Value = number | bigint | boolean | string | Uint8Array | null;

/** One column of `length` rows: its type and its Arrow buffers. */
export declare class Column {
  constructor(
    dataType: DataType,
    length: number,
    values: ArrayBufferView | ArrayBuffer,
    offsets?: ArrayBufferView | ArrayBuffer | null,
    validity?: Bitmap | ArrayBufferView | ArrayBuffer | null,
    nullCount?: number | null,
  );
  readonly dataType: DataType;
  readonly length: number;
  readonly values: Uint8Array;
  readonly offsets: Uint8Array | null;
  readonly validity: Bitmap | null;
  readonly nullCount: number;
  valid(row: number): boolean;
  isNull(row: number): boolean;
  retyped(dataType: DataType): Column;
  /** The values as their typed array (fixed-width types), without a copy when aligned. */
  view(): TypedArray;
  i8(): Int8Array;
  i16(): Int16Array;
  /** int32 values (and date32's days since the epoch). */
  i32(): Int32Array;
  /** int64 values (and timestamps' and durations' counts of units). */
  i64(): BigInt64Array;
  u8(): Uint8Array;
  u16(): Uint16Array;
  u32(): Uint32Array;
  u64(): BigUint64Array;
  f32(): Float32Array;
  f64(): Float64Array;
  bools(): Bitmap;
  binary(): BinaryView;
  text(): TextView;
  get(row: number): Value;
  toArray(): Value[];
}

/** The values of a variable-length column, row by row, without copying the bytes. */
export declare class BinaryView implements Iterable<Uint8Array> {
  constructor(column: Column);
  readonly offsets: Int32Array | BigInt64Array;
  readonly data: Uint8Array;
  readonly length: number;
  start(row: number): number;
  get(row: number): Uint8Array;
  [Symbol.iterator](): Iterator<Uint8Array>;
}

/** The values of a utf8 column as strings. */
export declare class TextView {
  constructor(column: Column);
  readonly length: number;
  get(row: number): string;
  [Symbol.iterator](): Iterator<string>;
}

/** A validity bitmap built row by row, counting nulls. */
export declare class ValidityBuilder {
  constructor(capacity?: number);
  static allValid(rows: number): ValidityBuilder;
  /** `rows` rows, valid where every one of `columns` is valid (their bitmaps ANDed). */
  static validWhereAll(rows: number, ...columns: Array<{ validity: Bitmap | null }>): ValidityBuilder;
  readonly length: number;
  readonly nullCount: number;
  valid(row: number): boolean;
  append(valid: boolean): void;
  setNull(row: number): void;
  finish(): Bitmap | null;
}

interface Builder<T> {
  readonly dataType: DataType;
  readonly length: number;
  append(value: T): void;
  appendNull(): void;
  appendOption(value: T | null | undefined): void;
  extend(values: Iterable<T | null | undefined>): this;
  finish(): Column;
}

/** Builds a fixed-width column (integers, floats, date32, timestamp, duration). */
export declare class PrimitiveBuilder implements Builder<number | bigint> {
  constructor(dataType: TypeLike, capacity?: number);
  readonly dataType: DataType;
  readonly length: number;
  append(value: number | bigint): void;
  appendNull(): void;
  appendOption(value: number | bigint | null | undefined): void;
  extend(values: Iterable<number | bigint | null | undefined>): this;
  finish(): Column;
}
export declare class Int8Builder extends PrimitiveBuilder { constructor(capacity?: number); }
export declare class Int16Builder extends PrimitiveBuilder { constructor(capacity?: number); }
export declare class Int32Builder extends PrimitiveBuilder { constructor(capacity?: number); }
export declare class Int64Builder extends PrimitiveBuilder { constructor(capacity?: number); }
export declare class UInt8Builder extends PrimitiveBuilder { constructor(capacity?: number); }
export declare class UInt16Builder extends PrimitiveBuilder { constructor(capacity?: number); }
export declare class UInt32Builder extends PrimitiveBuilder { constructor(capacity?: number); }
export declare class UInt64Builder extends PrimitiveBuilder { constructor(capacity?: number); }
export declare class Float32Builder extends PrimitiveBuilder { constructor(capacity?: number); }
export declare class Float64Builder extends PrimitiveBuilder { constructor(capacity?: number); }
/** Builds a date32 column (days since 1970-01-01). */
export declare class Date32Builder extends PrimitiveBuilder { constructor(capacity?: number); }
export declare class TimestampBuilder extends PrimitiveBuilder {
  constructor(unit: TimeUnitName, timezone?: string | null, capacity?: number);
}
export declare class DurationBuilder extends PrimitiveBuilder {
  constructor(unit: TimeUnitName, capacity?: number);
}

/** Builds a bool column (values packed as bits). */
export declare class BoolBuilder implements Builder<boolean> {
  constructor(capacity?: number);
  readonly dataType: DataType;
  readonly length: number;
  append(value: boolean): void;
  appendNull(): void;
  appendOption(value: boolean | null | undefined): void;
  extend(values: Iterable<boolean | null | undefined>): this;
  finish(): Column;
}

type BytesLike = string | ArrayBufferView | ArrayBuffer;

/** Builds a utf8, large_utf8, binary or large_binary column. */
export declare class BytesBuilder implements Builder<BytesLike> {
  constructor(dataType: TypeLike, capacity?: number);
  readonly dataType: DataType;
  readonly length: number;
  append(value: BytesLike): void;
  appendNull(): void;
  appendOption(value: BytesLike | null | undefined): void;
  extend(values: Iterable<BytesLike | null | undefined>): this;
  finish(): Column;
}
export declare class Utf8Builder extends BytesBuilder { constructor(capacity?: number, large?: boolean); }
export declare class BinaryBuilder extends BytesBuilder { constructor(capacity?: number, large?: boolean); }

/** A builder for any boundary type. */
export declare function builderFor(dataType: TypeLike, capacity?: number): PrimitiveBuilder | BoolBuilder | BytesBuilder;

/**
 * A column from JS values (null for nulls), or from a filled typed array
 * (no copy) with an optional validity.
 */
export declare function columnFromArray(dataType: TypeLike, values: Iterable<Value | undefined>): Column;
export declare function columnFromArray(
  dataType: TypeLike,
  values: TypedArray,
  validity?: Bitmap | ValidityBuilder | ArrayBufferView | null,
): Column;

/** The rows to keep, for a contract that filters. */
export declare class Selection {
  constructor(rows: number, keep?: boolean);
  readonly length: number;
  static all(rows: number): Selection;
  static none(rows: number): Selection;
  static fromFn(rows: number, keep: (row: number) => unknown): Selection;
  static fromBools(values: Iterable<unknown>): Selection;
  keep(row: number): void;
  drop(row: number): void;
  get(row: number): boolean;
  count(): number;
  keptRows(): number[];
  toBytes(): Uint8Array;
}

/** The plugin's configuration; keys never read are refused after configure. */
export declare class Config {
  constructor(pairs?: Iterable<[string, unknown]> | Record<string, unknown> | Map<string, unknown> | null);
  has(key: string): boolean;
  get(key: string): string | undefined;
  get<T>(key: string, fallback: T): string | T;
  getNumber(key: string): number | undefined;
  getNumber<T>(key: string, fallback: T): number | T;
  getInt(key: string): number | undefined;
  getInt<T>(key: string, fallback: T): number | T;
  getBool(key: string): boolean | undefined;
  getBool<T>(key: string, fallback: T): boolean | T;
  getJson(key: string, fallback?: unknown): any;
  entries(): Array<[string, string]>;
  unknown(): string[];
  finish(): void;
}

/** The input columns of one batch, as the contract declares them. */
export declare class Batch implements Iterable<Column> {
  constructor(names: string[], columns: Column[], rows?: number);
  readonly names: string[];
  readonly columns: Column[];
  readonly length: number;
  get(name: string): Column;
  has(name: string): boolean;
  [Symbol.iterator](): Iterator<Column>;
}

/** What `process` returns: one column per declared output, and a Selection when filtering. */
export declare class Output {
  constructor(...columns: Column[]);
  columns: Column[];
  selection: Selection | null;
  column(column: Column): this;
  select(selection: Selection): this;
}

/** What `process` may return. */
export type ProcessResult = Output | Column | Column[] | { columns: Column[]; selection?: Selection | null };

export declare function asOutput(value: unknown): Output;

/** Extend this: `configure(config)` returns the Contract, `process(batch)` the Output. */
export declare class Plugin {
  configure(config: Config): Contract;
  process(batch: Batch): ProcessResult;
}

/** A plugin: a class with configure and process, or such an object. */
export type PluginLike =
  | (new () => { configure(config: Config): Contract; process(batch: Batch): ProcessResult })
  | { configure(config: Config): Contract; process(batch: Batch): ProcessResult };

/** The object componentize-js exports for the world's `transform` interface. */
export interface TransformExport {
  plugin: PluginLike;
  configure(config: Array<[string, string]>): unknown;
  process(columns: unknown[]): unknown;
}

/** End the plugin module with `export const transform = exportPlugin(MyPlugin);`. */
export declare function exportPlugin(plugin: PluginLike): TransformExport;
export { exportPlugin as export };
/** The name componentize-js looks the export up by: `transform`. */
export declare const EXPORT_NAME: 'transform';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** Logging through the host (captured in memory under node). */
export declare namespace log {
  const Level: {
    readonly TRACE: 'trace';
    readonly DEBUG: 'debug';
    readonly INFO: 'info';
    readonly WARN: 'warn';
    readonly ERROR: 'error';
  };
  function log(level: LogLevel, message: unknown): void;
  function trace(message: unknown): void;
  function debug(message: unknown): void;
  function info(message: unknown): void;
  function warn(message: unknown): void;
  function error(message: unknown): void;
  /** Messages logged outside a component since the last call. */
  function takeCaptured(): Array<[LogLevel, string]>;
  function setSink(fn: ((level: LogLevel, message: string) => void) | null): void;
}

export declare const VERSION: string;
export declare const COMPONENTIZE_JS_VERSION: string;
export declare const WORLD: 'plugin';

// The contract's vocabulary: data types, column specs, the contract builder.
//
// Types are named as the host names them (`float32`, `timestamp[ms, UTC]`,
// aliases `int`, `float`, `double`, `string`, `boolean`, `date`), so a name
// from a job file or a golden case's schema reads back with `DataType.parse`.

/** Resolution of timestamps and durations (the value is the host's short name). */
export const TimeUnit = Object.freeze({
  SECOND: 's',
  MILLISECOND: 'ms',
  MICROSECOND: 'us',
  NANOSECOND: 'ns',
});

const UNITS = new Set(Object.values(TimeUnit));

// kind -> [layout, bytes per value (fixed) or per offset (variable)]
const LAYOUTS = {
  bool: ['bits', 0],
  int8: ['fixed', 1],
  int16: ['fixed', 2],
  int32: ['fixed', 4],
  int64: ['fixed', 8],
  uint8: ['fixed', 1],
  uint16: ['fixed', 2],
  uint32: ['fixed', 4],
  uint64: ['fixed', 8],
  float32: ['fixed', 4],
  float64: ['fixed', 8],
  utf8: ['variable', 4],
  large_utf8: ['variable', 8],
  binary: ['variable', 4],
  large_binary: ['variable', 8],
  date32: ['fixed', 4],
  timestamp: ['fixed', 8],
  duration: ['fixed', 8],
};

// kind -> the typed array that reads its values (fixed) or offsets (variable)
const ARRAYS = {
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  float32: Float32Array,
  float64: Float64Array,
  utf8: Int32Array,
  large_utf8: BigInt64Array,
  binary: Int32Array,
  large_binary: BigInt64Array,
  date32: Int32Array,
  timestamp: BigInt64Array,
  duration: BigInt64Array,
};

const ALIASES = {
  boolean: 'bool',
  string: 'utf8',
  int: 'int32',
  float: 'float32',
  double: 'float64',
  date: 'date32',
};

export const TYPE_NAMES =
  'bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, float64, ' +
  'utf8, large_utf8, binary, large_binary, date32, timestamp[s|ms|us|ns] or ' +
  'timestamp[ms, ZONE], duration[s|ms|us|ns] (aliases: boolean, string, int, float, double, date)';

/**
 * An Arrow type a column may have at the plugin boundary.
 *
 * The plain types are constants (`DataType.FLOAT32`, `DataType.UTF8`, ...);
 * `DataType.timestamp(unit, timezone)` and `DataType.duration(unit)` take
 * parameters; `DataType.parse('timestamp[ms, UTC]')` reads a name.
 */
export class DataType {
  /**
   * @param {string} kind
   * @param {string | null} [unit]
   * @param {string | null} [timezone]
   */
  constructor(kind, unit = null, timezone = null) {
    if (!(kind in LAYOUTS)) throw new TypeError(`unknown data type kind ${JSON.stringify(kind)}`);
    const timed = kind === 'timestamp' || kind === 'duration';
    if (timed !== (unit != null)) throw new TypeError(`${kind} ${unit == null ? 'needs' : 'takes no'} time unit`);
    if (unit != null && !UNITS.has(unit)) throw new TypeError(`unknown time unit ${JSON.stringify(unit)} (s, ms, us or ns)`);
    if (timezone != null && kind !== 'timestamp') throw new TypeError('only timestamps have a time zone');
    this.kind = kind;
    this.unit = unit ?? null;
    this.timezone = timezone ?? null;
    Object.freeze(this);
  }

  /** @param {string} unit @param {string | null} [timezone] */
  static timestamp(unit, timezone = null) {
    return new DataType('timestamp', unit, timezone);
  }

  /** @param {string} unit */
  static duration(unit) {
    return new DataType('duration', unit);
  }

  /**
   * Reads a type name; throws a TypeError naming the accepted names.
   * @param {string} name
   * @returns {DataType}
   */
  static parse(name) {
    const text = String(name).trim();
    const plain = ALIASES[text] ?? text;
    if (plain in LAYOUTS && plain !== 'timestamp' && plain !== 'duration') return PLAIN[plain];
    for (const kind of ['timestamp', 'duration']) {
      if (text.startsWith(kind + '[') && text.endsWith(']')) {
        const inner = text.slice(kind.length + 1, -1);
        const comma = inner.indexOf(',');
        const unit = (comma < 0 ? inner : inner.slice(0, comma)).trim();
        const zone = comma < 0 ? null : inner.slice(comma + 1).trim();
        if (UNITS.has(unit) && (kind === 'timestamp' || zone === null) && zone !== '') {
          return new DataType(kind, unit, zone);
        }
      }
    }
    throw new TypeError(`unknown type ${JSON.stringify(name)}; known: ${TYPE_NAMES}`);
  }

  /** `bits` (bool), `fixed` (one value per row) or `variable` (offsets and bytes). */
  get layout() {
    return LAYOUTS[this.kind][0];
  }

  /** Bytes per value (fixed) or per offset (variable); 0 for bool. */
  get width() {
    return LAYOUTS[this.kind][1];
  }

  /** The typed array class of the values (fixed) or offsets (variable); undefined for bool. */
  get arrayType() {
    return ARRAYS[this.kind];
  }

  /** Whether values are 64-bit integers, read as BigInt. */
  get isBigInt() {
    const a = ARRAYS[this.kind];
    return this.layout === 'fixed' && (a === BigInt64Array || a === BigUint64Array);
  }

  get isText() {
    return this.kind === 'utf8' || this.kind === 'large_utf8';
  }

  /**
   * Whether buffers of `other` read as this type (int64 and timestamp do).
   * @param {DataType} other
   */
  sameLayout(other) {
    return LAYOUTS[this.kind] === LAYOUTS[other.kind] || (
      LAYOUTS[this.kind][0] === LAYOUTS[other.kind][0] &&
      LAYOUTS[this.kind][1] === LAYOUTS[other.kind][1] &&
      ARRAYS[this.kind] === ARRAYS[other.kind]
    );
  }

  /** @param {unknown} other */
  equals(other) {
    return other instanceof DataType && other.kind === this.kind && other.unit === this.unit && other.timezone === this.timezone;
  }

  toString() {
    if (this.kind === 'timestamp') return `timestamp[${this.unit}${this.timezone ? `, ${this.timezone}` : ''}]`;
    if (this.kind === 'duration') return `duration[${this.unit}]`;
    return this.kind;
  }
}

/** @type {Record<string, DataType>} */
const PLAIN = {};
for (const kind of Object.keys(LAYOUTS)) {
  if (kind !== 'timestamp' && kind !== 'duration') {
    PLAIN[kind] = new DataType(kind);
    Object.defineProperty(DataType, kind.toUpperCase(), { value: PLAIN[kind], enumerable: true });
  }
}
Object.defineProperty(DataType, 'BOOLEAN', { value: PLAIN.bool, enumerable: false });

/**
 * A `DataType`, or a type name parsed.
 * @param {DataType | string} t
 * @returns {DataType}
 */
export function asDataType(t) {
  return t instanceof DataType ? t : DataType.parse(t);
}

/**
 * A column the plugin reads or writes. For an input, `nullable` says whether
 * nulls are accepted; for an output, whether the plugin may produce them.
 */
export class ColumnSpec {
  /** @param {string} name @param {DataType} dataType @param {boolean} nullable */
  constructor(name, dataType, nullable) {
    this.name = String(name);
    this.dataType = asDataType(dataType);
    this.nullable = Boolean(nullable);
    Object.freeze(this);
  }
}

/**
 * What a plugin does with its configuration: a builder.
 *
 *     new Contract('fare-per-km', '0.1.0')
 *       .input('fare_amount', DataType.FLOAT64)
 *       .input('trip_distance', 'float64')
 *       .nullableOutput('fare_per_km', DataType.FLOAT64)
 *
 * Inputs arrive in `process` in declaration order; outputs are returned in
 * declaration order. An output named like an existing column replaces it.
 */
export class Contract {
  /** @param {string} name @param {string} version */
  constructor(name, version) {
    this.name = String(name);
    this.version = String(version);
    /** @type {ColumnSpec[]} */
    this.inputs = [];
    /** @type {ColumnSpec[]} */
    this.outputs = [];
    this.filtersRows = false;
  }

  /** Reads a column that may hold nulls. @param {string} name @param {DataType | string} dataType */
  input(name, dataType) {
    this.inputs.push(new ColumnSpec(name, dataType, true));
    return this;
  }

  /** Reads a column that must not hold nulls (the host refuses a batch that has some). @param {string} name @param {DataType | string} dataType */
  requiredInput(name, dataType) {
    this.inputs.push(new ColumnSpec(name, dataType, false));
    return this;
  }

  /** Writes a column without nulls. @param {string} name @param {DataType | string} dataType */
  output(name, dataType) {
    this.outputs.push(new ColumnSpec(name, dataType, false));
    return this;
  }

  /** Writes a column that may hold nulls. @param {string} name @param {DataType | string} dataType */
  nullableOutput(name, dataType) {
    this.outputs.push(new ColumnSpec(name, dataType, true));
    return this;
  }

  /** Declares that `process` returns a row selection. */
  filters() {
    this.filtersRows = true;
    return this;
  }

  /** @param {string} name @returns {number} the input's index, or -1 */
  inputIndex(name) {
    return this.inputs.findIndex((c) => c.name === name);
  }
}

// The errors a plugin reports, thrown as exceptions.
//
// The host shows them to the user with the plugin's name (and, for input
// errors, the column and row). Any other exception escaping `configure` or
// `process` is reported as a `Failure` naming its type and message.

/** Base of the errors a plugin reports. */
export class PluginError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(String(message));
    this.name = new.target.name;
  }
}

/** The configuration is wrong (unknown key, bad value, ...). */
export class InvalidConfig extends PluginError {
  toString() {
    return `invalid config: ${this.message}`;
  }
}

/** A value cannot be processed: name the column and the row within the batch. */
export class InvalidInput extends PluginError {
  /**
   * @param {string} message
   * @param {string | null} [column]
   * @param {number | null} [row]
   */
  constructor(message, column = null, row = null) {
    super(message);
    /** @type {string | null} */
    this.column = column ?? null;
    /** @type {number | null} */
    this.row = row ?? null;
  }

  toString() {
    let text = 'invalid input';
    if (this.column !== null) text += ` in column \`${this.column}\``;
    if (this.row !== null) text += ` at row ${this.row}`;
    return `${text}: ${this.message}`;
  }
}

/** Anything else. */
export class Failure extends PluginError {
  toString() {
    return `failure: ${this.message}`;
  }
}

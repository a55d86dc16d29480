// Logging through the host.
//
//     import { log } from 'wasmprep-plugin';
//     log.info(`writes \`${this.output}\``);
//
// In the component, messages go to the host's log under the plugin's name
// (the host caps their size and their number per batch). Under node (unit
// tests) they are kept in memory: `log.takeCaptured()`, or a Harness's
// `logs`; set WASMPREP_PLUGIN_LOG=1 to also print them to stderr.

/** Severity of a message, as the WIT's `log-level`. */
export const Level = Object.freeze({
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
});

const LEVELS = new Set(Object.values(Level));

/** @type {Array<[string, string]>} */
let captured = [];
/** @type {((level: string, message: string) => void) | null} */
let sink = null;

/**
 * Sends messages to `fn` (the component's host import) instead of capturing them.
 * The build command's entry module calls this; plugins do not.
 * @param {((level: string, message: string) => void) | null} fn
 */
export function setSink(fn) {
  sink = fn;
}

/**
 * Logs `message` at `level` ('trace', 'debug', 'info', 'warn' or 'error').
 * @param {string} level
 * @param {unknown} message
 */
export function log(level, message) {
  if (!LEVELS.has(level)) throw new TypeError(`unknown log level ${JSON.stringify(level)}; known: ${[...LEVELS].join(', ')}`);
  const text = String(message);
  if (sink !== null) {
    sink(level, text);
    return;
  }
  captured.push([level, text]);
  if (globalThis.process?.env?.WASMPREP_PLUGIN_LOG) globalThis.console?.error(`[${level}] ${text}`);
}

/** @param {unknown} message */
export const trace = (message) => log(Level.TRACE, message);
/** @param {unknown} message */
export const debug = (message) => log(Level.DEBUG, message);
/** @param {unknown} message */
export const info = (message) => log(Level.INFO, message);
/** @param {unknown} message */
export const warn = (message) => log(Level.WARN, message);
/** @param {unknown} message */
export const error = (message) => log(Level.ERROR, message);

/**
 * Messages logged outside a component since the last call, as [level, message].
 * @returns {Array<[string, string]>}
 */
export function takeCaptured() {
  const out = captured;
  captured = [];
  return out;
}

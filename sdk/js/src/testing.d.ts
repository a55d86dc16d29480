// TypeScript declarations of wasmprep-plugin/testing.
import type { Column, Contract, LogLevel, PluginLike, Value } from './index.js';

/** A configured plugin, run natively under node. */
export declare class Harness {
  /** Configures the plugin (throws InvalidConfig and friends as the component would report them). */
  constructor(plugin: PluginLike, config?: Record<string, unknown> | Map<string, unknown> | Array<[string, unknown]> | null);
  readonly contract: Contract;
  readonly plugin: unknown;
  logs: Array<[LogLevel, string]>;
  /** Runs one batch: each input by name, as an array (null = null), a typed array or a Column. */
  process(inputs: Record<string, Iterable<Value | undefined> | Column>): Result;
  takeLogs(): Array<[LogLevel, string]>;
}

/** What one `process` call returned, read back as JS values. */
export declare class Result {
  readonly rows: number;
  readonly columns: Map<string, Column>;
  readonly selection: Uint8Array | null;
  get(name: string): Value[];
  column(name: string): Column;
  readonly keptRows: number[] | null;
  kept(name: string): Value[];
}

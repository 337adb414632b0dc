/**
 * The warehouse: one DuckDB file in the data directory holding every period's batches,
 * their quarantine and their check results. One writer at a time (DuckDB's rule).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { config } from '../config.js';
import { openDuckDB } from './duckdb.js';
import { PIPELINES_DIR } from '../paths.js';
import { installIdentifierMacros } from '../ids/sqlMacros.js';
import { COLLECT_BOOKKEEPING } from '../collect/collectBookkeeping.js';

export type SqlParams = DuckDBValue[] | Record<string, DuckDBValue>;
export type Row = Record<string, unknown>;

export interface WarehouseOptions {
  /** DuckDB's memory limit, e.g. '3GB'. */
  memoryLimit?: string;
  threads?: number;
}

/** Split a .sql file of `;`-terminated statements. */
export function sqlStatements(text: string): string[] {
  return text
    .split(/;\s*\n/)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s.length > 0);
}

export function readPipelineSql(relativePath: string): string[] {
  return sqlStatements(readFileSync(join(PIPELINES_DIR, relativePath), 'utf8'));
}

/** BIGINT as number (counts here stay far below 2^53), timestamps as ISO strings, at any depth. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

function plainRow(row: Record<string, unknown>): Row {
  return plain(row) as Row;
}

export class Warehouse {
  private constructor(
    readonly dataDir: string,
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    /** DuckDB's threads for one query, as configured. */
    readonly threads: number,
    private readonly owner = true,
  ) {}

  /** Another connection to the same database, for work that runs beside this one's. */
  async fork(): Promise<Warehouse> {
    return new Warehouse(this.dataDir, this.instance, await this.instance.connect(), this.threads, false);
  }

  /**
   * Run `work`, several batches of which go side by side on their own connections, with one DuckDB
   * thread per query. `threads` is the instance's setting: two queries at two threads each on a
   * 2-core machine contend for the cores. Collect and check at 1,000,000 persons measured 8% less
   * wall time and 10% less CPU this way (medians of 4 runs).
   */
  async sideBySide<T>(lanes: number, work: () => Promise<T>): Promise<T> {
    const perQuery = Math.max(1, Math.floor(this.threads / Math.max(1, lanes)));
    if (perQuery === this.threads) return work();
    await this.connection.run(`SET threads = ${perQuery}`);
    try {
      return await work();
    } finally {
      await this.connection.run(`SET threads = ${this.threads}`);
    }
  }

  static async open(dataDir: string, options: WarehouseOptions = {}): Promise<Warehouse> {
    mkdirSync(dataDir, { recursive: true });
    const tempDir = join(dataDir, 'tmp');
    mkdirSync(tempDir, { recursive: true });
    const threads = Math.max(1, Number(options.threads ?? config().DX_THREADS));
    const instance = await openDuckDB(join(dataDir, 'warehouse.duckdb'), {
      memory_limit: options.memoryLimit ?? config().DX_MEMORY_LIMIT,
      threads: String(threads),
      temp_directory: join(tempDir, 'duckdb-spill'),
      preserve_insertion_order: 'false',
      checkpoint_threshold: config().DX_CHECKPOINT_THRESHOLD,
    });
    const connection = await instance.connect();
    const warehouse = new Warehouse(dataDir, instance, connection, threads);
    for (const statement of readPipelineSql('warehouse/metadata.sql')) await connection.run(statement);
    for (const statement of COLLECT_BOOKKEEPING) await connection.run(statement);
    await installIdentifierMacros(connection);
    for (const statement of readPipelineSql('macros/names.sql')) await connection.run(statement);
    return warehouse;
  }

  get tempDir(): string {
    return join(this.dataDir, 'tmp');
  }

  async run(sql: string, params?: SqlParams): Promise<void> {
    await this.connection.run(sql, params);
  }

  /** Run an INSERT, UPDATE or DELETE and say how many rows it changed. */
  async change(sql: string, params?: SqlParams): Promise<number> {
    return (await this.connection.run(sql, params)).rowsChanged;
  }

  /** Rows as plain JSON-compatible objects (BIGINT as string is avoided: numbers where safe). */
  async all<T = Row>(sql: string, params?: SqlParams): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJS().map(plainRow) as T[];
  }

  async one<T = Row>(sql: string, params?: SqlParams): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  /** Run `work` in one transaction: all of it is committed, or none of it. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.connection.run('BEGIN TRANSACTION');
    try {
      const result = await work();
      await this.connection.run('COMMIT');
      return result;
    } catch (error) {
      await this.connection.run('ROLLBACK');
      throw error;
    }
  }

  close(): void {
    this.connection.closeSync();
    if (this.owner) this.instance.closeSync();
  }
}

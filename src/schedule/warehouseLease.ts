/**
 * A worker's hold on the warehouse. DuckDB lets one process write a database file, so a worker
 * opens the warehouse only while it has steps to run, gives each concurrent step its own
 * connection, and closes it soon after its last step so another worker can take it. While
 * another process holds the file, opening waits (the queue keeps the job's lock alive meanwhile).
 */
import { Warehouse } from '../store/warehouse.js';

const LOCKED = /Could not set lock/i;

/** Open the warehouse, waiting while another process holds it (a worker between steps, a running cycle). */
export async function openWarehouseWaiting(dataDir: string, options: { timeoutMs?: number; onWait?: (message: string) => void } = {}): Promise<Warehouse> {
  const deadline = Date.now() + (options.timeoutMs ?? Infinity);
  let told = false;
  for (;;) {
    try {
      return await Warehouse.open(dataDir);
    } catch (error) {
      const message = (error as Error).message;
      if (!LOCKED.test(message) || Date.now() > deadline) throw error;
      if (!told) options.onWait?.(`the warehouse is held by another process; waiting for it (${message.split('\n')[0]})`);
      told = true;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

export class WarehouseLease {
  private opening?: Promise<Warehouse>;
  private users = 0;
  private idleTimer?: NodeJS.Timeout;

  constructor(readonly dataDir: string, private readonly idleMs = 1000, private readonly onWait?: (message: string) => void) {}

  private open(): Promise<Warehouse> {
    return openWarehouseWaiting(this.dataDir, { onWait: this.onWait });
  }

  async use<T>(work: (warehouse: Warehouse) => Promise<T>): Promise<T> {
    clearTimeout(this.idleTimer);
    this.users++;
    let connection: Warehouse | undefined;
    try {
      if (!this.opening) {
        const opening = this.open();
        this.opening = opening;
        opening.catch(() => { if (this.opening === opening) this.opening = undefined; });
      }
      const shared = await this.opening;
      connection = await shared.fork();
      return await work(connection);
    } finally {
      connection?.close();
      if (--this.users === 0) this.idleTimer = setTimeout(() => void this.release(), this.idleMs);
    }
  }

  async release(): Promise<void> {
    if (this.users > 0 || !this.opening) return;
    const opening = this.opening;
    this.opening = undefined;
    try {
      (await opening).close();
    } catch {
      // it never opened: nothing to close
    }
  }
}

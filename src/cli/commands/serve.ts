import { resolve } from 'node:path';
import type { Command } from 'commander';
import { startServer } from '../../server.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Serve the exchange\'s HTTP API')
    .option('--port <port>', 'port to listen on', (v) => Number(v), 8080)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--data <dir>', 'where the DuckDB files live', './data')
    .action(async (options: { port: number; host: string; data: string }) => {
      const server = await startServer({ port: options.port, host: options.host, dataDir: resolve(options.data) });
      const stop = () => { void server.close().then(() => process.exit(0)); };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}

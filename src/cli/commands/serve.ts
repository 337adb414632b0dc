import { resolve } from 'node:path';
import type { Command } from 'commander';
import { startServer, type TrustProxy } from '../../server.js';
import { assertPortFree } from '../../portFree.js';
import { EXIT } from '../exitCodes.js';

/** `--trust-proxy`: "true" (any), or a comma-separated list of addresses and CIDRs. */
export function parseTrustProxy(value: string): TrustProxy {
  if (value === 'true') return true;
  return value.split(',').map((v) => v.trim()).filter(Boolean);
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Serve the exchange\'s HTTP API')
    .option('--port <port>', 'port to listen on', (v) => Number(v), 8080)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--data <dir>', 'where the DuckDB files live', './data')
    .option('--rate-limit <n>', 'requests per minute per client', (v) => Number(v), 6000)
    .option('--log-level <level>', 'pino log level', 'info')
    .option('--trust-proxy <proxies>', 'trust X-Forwarded-For/-Proto from these proxies: "true" (any), or addresses/CIDRs, comma-separated', parseTrustProxy)
    .action(async (options: { port: number; host: string; data: string; rateLimit: number; logLevel: string; trustProxy?: TrustProxy }) => {
      await assertPortFree(options.port, options.host);
      const server = await startServer({ port: options.port, host: options.host, dataDir: resolve(options.data), rateLimit: options.rateLimit, logLevel: options.logLevel, trustProxy: options.trustProxy })
        .catch((error: NodeJS.ErrnoException) => {
          // Taken between the check and the listen: the app's timers would keep the process up, so leave now.
          process.stderr.write(`dx: ${error.message}\n`);
          process.exit(error.code === 'EADDRINUSE' ? EXIT.unavailable : EXIT.failed);
        });
      const stop = () => { void server.close().then(() => process.exit(0)); };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}

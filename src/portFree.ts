/**
 * Whether a port can be listened on, asked before a server builds anything: a taken port is one
 * clear error at once (not after the demo built a city, not after the API opened its audit chain).
 */
import { createServer } from 'node:net';

export class PortTakenError extends Error {}

export async function assertPortFree(port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new PortTakenError(`port ${port} on ${host} is already in use; stop what listens there, or choose another port (dx serve --port, PORT for npm run demo)`));
      else if (error.code === 'EACCES') reject(new PortTakenError(`port ${port} on ${host} may not be listened on by this user (ports below 1024 need privileges); choose another`));
      else reject(error);
    });
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

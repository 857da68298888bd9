/**
 * Takes the server's port before anything else happens, so that a port in use or a host that is
 * not this machine's is reported before a database file is created or migrated.
 */
import net from 'node:net';
import { ConfigError } from '../config.js';

function whyNot(error: NodeJS.ErrnoException, host: string, port: number): string {
  switch (error.code) {
    case 'EADDRINUSE':
      return `port ${port} on ${host} is already in use (--port / PARTNERPLANE_PORT): stop what listens there, or choose another port`;
    case 'EACCES':
      return `port ${port} on ${host} needs privileges this process does not have (--port / PARTNERPLANE_PORT): choose a port above 1023`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${host} is not an address of this machine (--host / PARTNERPLANE_HOST): give one of its addresses, 127.0.0.1 or 0.0.0.0`;
    default:
      return `cannot listen on ${host} port ${port} (--host, --port): ${error.message}`;
  }
}

/** A port taken before the server that will answer on it exists. */
export interface BoundPort {
  /** Starts `server` on the port, handing it the connections that arrived meanwhile. */
  serve(server: net.Server, listening: () => void): void;
  close(): void;
}

export function bindPort(host: string, port: number): Promise<BoundPort> {
  // Clients that connect while the store opens (a health check, say) wait, unread, for the server.
  const early: net.Socket[] = [];
  const socket = net.createServer({ pauseOnConnect: true }, (connection) => early.push(connection));
  const bound: BoundPort = {
    serve(server, listening) {
      server.listen(socket, () => {
        for (const connection of early.splice(0)) {
          server.emit('connection', connection);
          connection.resume();
        }
        listening();
      });
    },
    close() {
      for (const connection of early.splice(0)) connection.destroy();
      socket.close();
    },
  };
  return new Promise((resolve, reject) => {
    socket.once('error', (error: NodeJS.ErrnoException) => reject(new ConfigError(whyNot(error, host, port))));
    socket.listen({ host, port }, () => resolve(bound));
  });
}

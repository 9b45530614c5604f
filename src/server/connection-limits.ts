// Keeps a flood of connections from starving the process. Every HTTP connection holds a file
// descriptor, and the AWS SDK, git and the state file need descriptors too: with a 1,024
// open-file limit, 1,100 connections that never send a byte used to make /healthz unreachable
// and every AWS call fail with EMFILE. Three rules:
// - silent or stalled sockets are closed after `idleTimeoutMs` without a byte (socket timeout);
// - at most `maxConnections` are open at once;
// - at the cap, a new connection evicts the oldest one that has no request in flight, so a
//   health check still gets through while idle sockets hold every slot. Only when every open
//   connection is serving a request is the new one refused.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  /** open connections at most (default 256: far below the usual 1,024 descriptor limit) */
  maxConnections: number;
  /** a connection silent this long is closed, before or between requests (default 10 000 ms) */
  idleTimeoutMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { maxConnections: 256, idleTimeoutMs: 10_000 };

export interface ConnectionStats {
  open: number;
  /** idle connections closed to admit a new one */
  evicted: number;
  /** new connections closed because every slot was serving a request */
  refused: number;
}

/** Install the limits on `server`; returns live counters (for tests and logs). */
export function limitConnections(server: Server, limits: ConnectionLimits): ConnectionStats {
  // insertion order = age: the first idle entry is the oldest idle connection
  const inFlight = new Map<Socket, number>();
  const stats: ConnectionStats = { open: 0, evicted: 0, refused: 0 };

  // Node's own socket inactivity timeout; with no 'timeout' listener on the server it destroys
  // the socket. It runs from accept, so it also covers connections that never send a byte
  // (headersTimeout only starts once a request has begun).
  server.timeout = limits.idleTimeoutMs;

  server.on('connection', (socket: Socket) => {
    if (inFlight.size >= limits.maxConnections) {
      const idle = oldestIdle(inFlight);
      if (idle === undefined) {
        stats.refused += 1;
        socket.destroy();
        return;
      }
      stats.evicted += 1;
      inFlight.delete(idle);
      idle.destroy();
    }
    inFlight.set(socket, 0);
    stats.open = inFlight.size;
    socket.once('close', () => {
      inFlight.delete(socket);
      stats.open = inFlight.size;
    });
  });

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    if (!inFlight.has(socket)) return;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const n = inFlight.get(socket);
      if (n !== undefined) inFlight.set(socket, Math.max(0, n - 1));
    });
  });
  return stats;
}

function oldestIdle(sockets: Map<Socket, number>): Socket | undefined {
  for (const [socket, requests] of sockets) if (requests === 0) return socket;
  return undefined;
}

// Whether the HTTP server could listen on a port, asked before slow start-up work (the quick
// start builds a whole world first). The message is the one startHttpServer gives.
import { createServer } from 'node:net';

export function listenProblem(code: string | undefined, port: number, host: string, message: string): string {
  if (code === 'EADDRINUSE') return `port ${port} on ${host} is already in use: pass another --port (ECS_RECONCILER_PORT)`;
  if (code === 'EACCES') return `not allowed to listen on port ${port}: use a port above 1024 (--port)`;
  return `cannot listen on ${host}:${port}: ${message}`;
}

/** undefined when `port` on `host` is free now (0 always is); else the one-line reason. */
export function portProblem(port: number, host: string): Promise<string | undefined> {
  if (port === 0) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (e: NodeJS.ErrnoException) => resolve(listenProblem(e.code, port, host, e.message)));
    probe.listen(port, host, () => probe.close(() => resolve(undefined)));
  });
}

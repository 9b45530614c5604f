// Container health check for ecs-reconciler: GET http://127.0.0.1:<port>/healthz.
// Exit 0 when it answers 2xx within the timeout, 1 otherwise (refused, non-2xx, timeout).
// Node only (the runtime image has no curl). Used by the Dockerfile HEALTHCHECK and by the
// task definition's container healthCheck: ["CMD", "node", "/app/healthcheck.mjs"].
// Port: ECS_RECONCILER_PORT (the `run --port` flag as an environment variable), default 8080.
// Timeout: HEALTHCHECK_TIMEOUT_MS, default 3000 (below the 5 s ECS/Docker health-check timeout).

const port = Number(process.env.ECS_RECONCILER_PORT ?? 8080);
const timeoutMs = Number(process.env.HEALTHCHECK_TIMEOUT_MS ?? 3000);
const url = `http://127.0.0.1:${port}/healthz`;

try {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (res.ok) {
    process.exit(0);
  }
  console.error(`healthcheck: ${url} answered ${res.status}`);
  process.exit(1);
} catch (err) {
  const reason = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
  console.error(`healthcheck: ${url} failed: ${reason}`);
  process.exit(1);
}

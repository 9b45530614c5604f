# ecs-reconciler as an ECS task (see docs/deploy.md and deploy/README.md).
#
#   docker build --platform linux/amd64 -t ecs-reconciler:local .
#   docker run --rm ecs-reconciler:local --help
#
# Two stages: `build` compiles TypeScript with the dev dependencies; `runtime` holds only the
# production dependencies, dist/, schemas/ and the health check. test/deploy and
# test/integration/deploy-production-files.test.ts rebuild the runtime file set without Docker
# from the COPY and RUN lines below, so keep them in this simple form.
# Node 24 is the active LTS line; the tag is pinned by major so security patches arrive on rebuild.

# ---------- build ----------
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---------- runtime ----------
FROM node:24-bookworm-slim AS runtime
# git (+ ssh for git@ sources) for the git source, CA roots for AWS/GitHub/Slack TLS,
# tini as PID 1 so SIGTERM from `docker stop` / ECS reaches node and zombies are reaped.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates openssh-client tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY schemas ./schemas
COPY deploy/healthcheck.mjs ./healthcheck.mjs
# The application files stay root-owned (read-only for the process); git checkouts and
# state go to the node user's home.
RUN mkdir -p /home/node/work && chown -R node:node /home/node
ENV HOME=/home/node \
    ECS_RECONCILER_WORK_DIR=/home/node/work
USER node
EXPOSE 8080
# ECS ignores image HEALTHCHECKs: deploy/task-definition.json runs the same command.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "/app/healthcheck.mjs"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "dist/cli.js"]
CMD ["run"]

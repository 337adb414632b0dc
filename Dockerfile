# The exchange's API server (or, with another command, a queue worker: `worker --data /data`
# with REDIS_URL set). Data (the DuckDB files) lives in a volume at /data. docs/operations.md says
# how to run a cycle and the admin commands in it, and how to back up and restore /data.
# Node 20, as package.json's engines and CI (.ci/run checks the version it runs on).
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bench ./bench
# The queue benchmark starts Redis with the tests' helper.
COPY test/helpers ./test/helpers
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY schemas ./schemas
COPY connectors ./connectors
COPY pipelines ./pipelines
COPY console ./console
# The image's user owns /data: a new named volume takes the ownership of the directory it is
# mounted over, so the API can write its audit chain and a cycle its warehouse. (A bind mount keeps
# the host's ownership: chown it to uid 1000, node's, on the host.)
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
EXPOSE 8080
# Ready only once a period is published and loaded (/health/ready answers 503 before), so a load
# balancer sends no traffic to an empty instance. The slim image has no curl: Node's fetch asks.
# A worker container (CMD worker ...) serves no HTTP: run it with --no-healthcheck.
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
USER node
ENTRYPOINT ["node", "--max-semi-space-size=64", "dist/src/cli/dx.js"]
CMD ["serve", "--port", "8080", "--host", "0.0.0.0", "--data", "/data"]

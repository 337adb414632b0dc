# The exchange's API server (or, with another command, a queue worker: `worker --data /data`
# with REDIS_URL set). Data (the DuckDB files) lives in a volume at /data.
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
VOLUME ["/data"]
EXPOSE 8080
USER node
ENTRYPOINT ["node", "--max-semi-space-size=64", "dist/src/cli/dx.js"]
CMD ["serve", "--port", "8080", "--host", "0.0.0.0", "--data", "/data"]

# syntax=docker/dockerfile:1

# Build stage: every dependency (TypeScript among them), then src/ compiled to dist/.
# The optional node-linux-<cpu> package (a Node 24 binary for npm scripts on hosts with an older
# Node) exists only in this stage; the image has its own Node.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime stage: production dependencies and the compiled code, owned by root and run as the
# unprivileged `node` user of the official image, which can read but not change them.
FROM node:24-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
# The slim image has no curl: Node's own fetch probes the process (/healthz, not /readyz,
# so a Redis outage does not get the container restarted; it recovers by itself).
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3000}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]

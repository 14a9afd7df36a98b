# syntax=docker/dockerfile:1

# The base is pinned to a Node 24 minor and a Debian release, so a rebuild gets security fixes of
# both (patch releases, Debian point releases) but never a new minor or release by surprise.
# Bump it on purpose, in one place: both stages use it.
ARG NODE_IMAGE=node:24.22-bookworm-slim

# Build stage: every dependency (TypeScript among them), then src/ compiled to dist/.
# The optional node-linux-<cpu> package of the packages/dev-node workspace (a Node 24 binary for
# npm scripts on hosts with an older Node) exists only in this stage; the image has its own Node.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/client/package.json ./packages/client/
COPY packages/dev-node/package.json ./packages/dev-node/
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY packages/client/tsconfig.build.json ./packages/client/
COPY packages/client/src ./packages/client/src
COPY src ./src
# tsconfig.build.json emits no source maps: they would point at src/, which the image lacks.
RUN npm run build

# Runtime stage: production dependencies and the compiled code, owned by root and run as the
# unprivileged `node` user of the official image, which can read but not change them. The
# optional dependencies are installed: the OpenTelemetry packages, which tracing loads when an
# endpoint is configured. The packages/dev-node workspace is left out, and with it its Node binary.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/client/package.json ./packages/client/
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
# The admin CLI (dist/cli/main.js) imports @tollgate/client; the server itself never does.
COPY --from=build /app/packages/client/dist ./packages/client/dist
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
# The slim image has no curl. dist/healthcheck.js reads the same configuration as the server
# (environment and config/tollgate.json), so it probes the port actually configured. /healthz,
# not /readyz: a Redis outage must not get the container restarted; it recovers by itself.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "dist/healthcheck.js"]
CMD ["node", "dist/main.js"]
# Last, so that a new revision does not invalidate the cached dependency layers above.
ARG NODE_IMAGE
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="tollgate" \
      org.opencontainers.image.description="OAuth 2.0 authorization server for services, people on terminals and APIs that verify JWTs offline" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="docker.io/library/${NODE_IMAGE}"

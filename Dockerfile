# syntax=docker/dockerfile:1
# One image for every Parley app; the command picks which one runs (ENTRYPOINT is `node`):
#   docker build -t parley:0.1.0 .
#   docker run … parley:0.1.0 dist/apps/presence-bridge/main.js           a service (ews-gateway is the default)
#   docker run … parley:0.1.0 dist/apps/calendar-sync/main.js migrate     its migrations, then exit
#   docker run … parley:0.1.0 dist/apps/parley-admin/main.js help         the admin CLI
# docker-compose.yml runs the services from it; tools/deployment/dockerfile.spec.ts checks this file
# against package.json, the webpack configs and .node-version.
#
# The Node release is the one in .node-version (the project is tested on it); bump both together.

# --- build: every app, with the webpack configs CI uses (scripts/test-all.mjs) ----------------
FROM node:24.22.3-bookworm-slim AS build
WORKDIR /app
# The lockfile alone first, so the dependency layer is reused until it changes.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# One webpack run, one compilation per config: the four services, the embedded app and the admin CLI.
RUN npx webpack-cli build \
      --config apps/ews-gateway/webpack.config.cjs \
      --config apps/presence-bridge/webpack.config.cjs \
      --config apps/voicemail-ingest/webpack.config.cjs \
      --config apps/calendar-sync/webpack.config.cjs \
      --config apps/parley/webpack.config.cjs \
      --config apps/parley-admin/webpack.config.cjs
# The web client (static files the gateway serves at `/`, PARLEY_WEB_ROOT): dist/apps/parley-web,
# shipped with the rest of dist/ below; the build fails when it is over its size budget.
RUN node apps/parley-web/build.mjs --quiet

# --- runtime-deps: the bundles leave npm packages external (tools/webpack-app.cjs), so they need
# the production dependencies beside them; a separate install keeps the dev tools out. --------
FROM node:24.22.3-bookworm-slim AS runtime-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime -----------------------------------------------------------------------------------
FROM node:24.22.3-bookworm-slim AS runtime
ARG PARLEY_VERSION=0.1.0
ARG PARLEY_REVISION=unknown
LABEL org.opencontainers.image.title="Parley" \
      org.opencontainers.image.description="Open, self-hostable Exchange side of unified-communications interop: EWS, presence, voicemail, calendar." \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${PARLEY_VERSION}" \
      org.opencontainers.image.revision="${PARLEY_REVISION}" \
      org.opencontainers.image.documentation="README.md, docs/operations.md"
# PARLEY_HTTP_HOST: a container's loopback is unreachable from outside it. The data directory (the
# embedded app's database, voicemail-ingest's self-signed SMTP certificate) is the one writable
# place besides /tmp, so the root filesystem can be mounted read-only.
# NODE_OPTIONS: kafkajs 2.2.4 arms a negative timer, which Node 24 reports once (docs/operations.md).
ENV NODE_ENV=production \
    NODE_OPTIONS=--disable-warning=TimeoutNegativeWarning \
    PARLEY_HTTP_HOST=0.0.0.0 \
    PARLEY_DATA_DIR=/var/lib/parley \
    PARLEY_SMTP_TLS_DIR=/var/lib/parley/smtp-tls
WORKDIR /app
# The package managers are not needed to run and only widen what an intruder could use.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-* \
    && mkdir -p /var/lib/parley \
    && chown 1000:1000 /var/lib/parley
# Owned by root and so read-only to the app's user, whatever the filesystem is mounted as.
COPY --from=runtime-deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/dist ./dist
# The image's `node` user, by number so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
VOLUME ["/var/lib/parley", "/tmp"]
# Liveness on the app's HTTP port: PARLEY_HTTP_PORT when set, else whichever default port answers
# (only one app runs per container: 8080 embedded, 8081–8084 the services). No curl in a slim image.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "const e = process.env.PARLEY_HTTP_PORT; const ports = e ? [e] : [8080, 8081, 8082, 8083, 8084]; Promise.any(ports.map((p) => fetch('http://127.0.0.1:' + p + '/healthz', { signal: AbortSignal.timeout(3000) }).then((r) => { if (!r.ok) throw new Error(String(r.status)); }))).then(() => process.exit(0), () => process.exit(1));"]
# Exec form: node is the process that gets SIGTERM (PID 1 here; the app installs its own SIGTERM
# handler, which PID 1 needs, and starts no child processes outside the embedded app).
ENTRYPOINT ["node"]
CMD ["dist/apps/ews-gateway/main.js"]

# syntax=docker/dockerfile:1
#
# One image recipe for the four Umbrella services and the portal, chosen with build arguments. The build context
# is the repository root:
#
#   docker build -f deploy/docker/service.Dockerfile --build-arg SERVICE=referral --build-arg PORT=3001 -t umbrella/referral .
#
# SERVICE is the folder under services/ (referral, agency-directory, client-journey, reporting, portal)
# and PORT the service's default port (3001, 3002, 3003, 3004, 3000). docker-compose.yml passes both.
# The image holds only what `node services/<SERVICE>/dist/main.js` needs at run time: production
# node_modules (with npm's workspace links to libs/*), each built lib's package.json and dist, and
# the service's package.json and dist. It runs as the unprivileged `node` user and is configured
# like the native path, by environment variables only (DATABASE_URL and KAFKA_BROKERS required).

# The Node.js LTS the project runs on (.node-version names the exact release the native path installs).
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS base
WORKDIR /app
ENV NX_DAEMON=false \
    NX_TUI=false \
    NX_NO_CLOUD=true \
    SCARF_ANALYTICS=false \
    npm_config_audit=false \
    npm_config_fund=false \
    npm_config_update_notifier=false

# The npm manifests alone, at their own paths, so the install layers below are reused until the lock
# file or a package.json changes (a plain `COPY libs/*/package.json` would flatten the paths).
FROM base AS manifests
COPY . /src
RUN mkdir -p /manifests \
 && cd /src \
 && for f in package.json package-lock.json libs/*/package.json services/*/package.json; do \
      mkdir -p "/manifests/$(dirname "$f")" && cp "$f" "/manifests/$f"; \
    done

# Production dependencies only; install scripts are skipped (none of them is needed at run time).
# The workspace links node_modules/@umbrella/* -> ../../libs/* are made here and resolve once the
# runtime stage adds the built libs.
FROM base AS prod-deps
COPY --from=manifests /manifests ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts

# Full install and a type-checked build of this service and, first, the libs it depends on.
# SERVICE and PORT are declared only after `npm ci`, so the four services share that layer.
FROM base AS build
COPY --from=manifests /manifests ./
RUN --mount=type=cache,target=/root/.npm npm ci
COPY . .
ARG SERVICE
ARG PORT
RUN { test -n "$SERVICE" && test -n "$PORT"; } \
      || { echo "build arguments SERVICE (e.g. referral) and PORT (e.g. 3001) are required" >&2; exit 1; } \
 && { test -f "services/$SERVICE/project.json"; } \
      || { echo "no service named '$SERVICE' under services/" >&2; exit 1; }
RUN npx nx run "$SERVICE-service:build" --outputStyle=static
# Gather the run-time files at their repository paths: package.json + dist of every built lib and
# of this service (build metadata left out), and the agreement versions shipped with the platform.
RUN for dir in libs/* "services/$SERVICE"; do \
      if [ -d "$dir/dist" ]; then \
        mkdir -p "/out/$dir" && cp -R "$dir/package.json" "$dir/dist" "/out/$dir/"; \
      fi; \
    done \
 && if [ -d libs/agreement/dist ]; then cp -R libs/agreement/agreements /out/libs/agreement/; fi \
 && test -f "/out/services/$SERVICE/dist/main.js" \
 && find /out -name '*.tsbuildinfo' -delete

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ARG PORT
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=${PORT} \
    SERVICE=${SERVICE}
COPY --from=manifests /manifests/package.json /manifests/package-lock.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /out ./
USER node
EXPOSE ${PORT}
# Readiness: /health/ready answers 200 while the service's database answers (503 otherwise; a Kafka
# outage is reported in its body but the outbox still accepts work). An orchestrator that restarts
# on a failed probe should use /health/live for that: it checks no dependency.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health/ready', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Same command as the native path (node services/<name>/dist/main.js from the repository root); the
# shell only expands SERVICE, then exec hands PID 1 to node so it receives SIGTERM directly.
CMD ["sh", "-c", "exec node \"services/$SERVICE/dist/main.js\""]

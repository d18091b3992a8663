# syntax=docker/dockerfile:1
# opsbot's production image: TypeScript compiled in a build stage, the runtime stage holds only
# production packages and dist/, and runs `node dist/main.js` under tini as a non-root user.
#
# The base image is pinned by digest (the multi-platform index of node:22-bookworm-slim, Node.js
# 22.23.2, as docker-library/repo-info records it in repos/node/remote/22-bookworm-slim.md), so a
# rebuild starts from the same bytes. To update it, run
#   docker buildx imagetools inspect node:22-bookworm-slim
# and put the "Digest:" it prints (sha256:…) here. Renovate and Dependabot can keep it current.
# Node.js 22 is a maintenance LTS until April 2027; Node.js 20 reached its end of life in April
# 2026. Node.js 24 passes the tests too, but its processes sit about 30 MB higher at idle
# (docs/deploy.md, "Node.js version").
ARG NODE_IMAGE=node:22-bookworm-slim@sha256:48e4b67d85f87bd551df43704e24d252f56cc5f8e9718841aace50f19948f0f9

# Build stage: every dependency (TypeScript is a devDependency), then `npm run build` → dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY commands ./commands
RUN npm run build

# Production packages only: no tsx, no TypeScript, no test tools.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
# tini is PID 1: it forwards SIGTERM to node (which drains for OPSBOT_GRACE_SECONDS) and reaps zombies.
# libjemalloc2 is node's allocator here (LD_PRELOAD below).
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini libjemalloc2 \
  && rm -rf /var/lib/apt/lists/*
# jemalloc instead of glibc's malloc: glibc keeps what node's threads free in their arenas (2.5 to
# 5.5 MB of an idle web role, a different amount at every start); jemalloc's background thread
# hands freed pages back after a second. Same CPU per run (docs/benchmarks.md, "Where the memory
# goes", round 4). LD_PRELOAD names the library, which the loader finds on any architecture.
ENV LD_PRELOAD=libjemalloc.so.2 MALLOC_CONF=background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0
# A young generation of 4 MB semi-spaces instead of V8's 16 MB: about 20 MB less idle RSS per
# process, for more frequent (cheap) scavenges; docs/benchmarks.md has the figures. A NODE_OPTIONS
# of your own replaces this; keep the flag in it. The web role runs with its own NODE_OPTIONS,
# `--max-semi-space-size=4 --v8-pool-size=1` (set by deploy/kubernetes/web.yaml; pass it with
# `docker run -e NODE_OPTIONS=… opsbot web`): one V8 worker thread, a few MB less idle RSS
# (docs/benchmarks.md, "Where the memory goes").
ENV NODE_ENV=production PORT=3000 NODE_OPTIONS=--max-semi-space-size=4
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# package.json says "type": "module" (dist/ is ESM); opsbot.example.yml is the default OPSBOT_CONFIG.
COPY package.json opsbot.example.yml manifest.yml ./
COPY runbooks ./runbooks
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Pass `web` or `worker` to run one role, or another subcommand (`setup`, `iam-policy`, `audit`).
ENTRYPOINT ["/usr/bin/tini", "--", "node", "dist/main.js"]
CMD ["all"]

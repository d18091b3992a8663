# syntax=docker/dockerfile:1
# opsbot: multi-stage build on the current Node LTS slim image, running as a non-root user.
FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-slim AS runtime
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json opsbot.example.yml manifest.yml ./
COPY src ./src
COPY commands ./commands
COPY runbooks ./runbooks
COPY bin ./bin
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# The same start script as the README's quick start; pass `web` or `worker` to run one role.
ENTRYPOINT ["npm", "start", "--"]
CMD ["all"]

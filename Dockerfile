# ogel-migrate HTTP service.
#   docker build -t ogel-migrate .                                   # serves examples/ogelbase/migrations
#   docker build --build-arg MIGRATIONS_DIR=migrations -t app-migrate .   # your own directory
# (On Railway, a service variable MIGRATIONS_DIR is passed as this build argument.)
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY tsconfig.json tsconfig.build.json vite.cli.config.mjs ./
COPY scripts ./scripts
COPY src ./src
COPY dashboard ./dashboard
COPY bin ./bin
# `npm ci` runs `prepare`: the TypeScript build, the dashboard and the bundled CLI.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:20-slim
# pg_dump/pg_restore for backups; match or exceed your server's major version.
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client && rm -rf /var/lib/apt/lists/*
ARG MIGRATIONS_DIR=examples/ogelbase/migrations
WORKDIR /app
# Backups are written by the unprivileged user into a folder only it can read (0700); mount a volume there (or
# use an s3:// backup store) so they outlive the container.
ENV NODE_ENV=production PORT=8080 OGEL_MIGRATE_BACKUP_DIR=/var/lib/ogel-migrate/backups
RUN mkdir -p /var/lib/ogel-migrate/backups && chown -R node:node /var/lib/ogel-migrate && chmod 0700 /var/lib/ogel-migrate/backups
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY package.json ./
COPY ${MIGRATIONS_DIR} ./migrations
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "bin/ogel-migrate.js", "serve", "--dir", "migrations"]

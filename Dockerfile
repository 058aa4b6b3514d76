# syntax=docker/dockerfile:1
# xmpp-graphql as a container: built with the full toolchain, run with production
# dependencies only, as the unprivileged `node` user. docs/container.md explains its use;
# compose.yaml runs it with Prosody.
#
# No container engine runs in this project's CI: scripts/container-check.ts parses this
# file and runs its COPY/RUN steps in a clean temp dir, then starts the CMD against a
# sandbox Prosody. So RUN steps use paths relative to WORKDIR, nothing absolute.
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json tsconfig.sandbox.json codegen.yml ./
COPY schema ./schema
COPY src ./src
COPY scripts/sandbox ./scripts/sandbox
COPY examples/web-chat ./examples/web-chat
# data/ is where the gateway writes (the generated token secret, token revocations).
RUN npm run build && npm prune --omit=dev --no-audit --no-fund && mkdir data

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=5561
WORKDIR /app
COPY --from=build /build/package.json ./
COPY --from=build /build/node_modules ./node_modules
COPY --from=build /build/dist ./dist
COPY --from=build /build/schema ./schema
# The code stays root's (read-only to the gateway); only data/ belongs to its user.
COPY --from=build --chown=node:node /build/data ./data
VOLUME /app/data
USER node
EXPOSE 5561
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# package.json's start script, without npm in between: node is PID 1 and gets SIGTERM.
CMD ["node", "--max-semi-space-size=32", "dist/main.js"]

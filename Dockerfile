# partnerplane as a container image. Build: docker build -t partnerplane .
# Run:   docker run -p 127.0.0.1:4577:4577 -v partnerplane-data:/data \
#          -e PARTNERPLANE_LOCAL_KEY_ANYWHERE=true partnerplane        (local development: test/test)
# docs/container.md has the settings, a credentials file, PostgreSQL and compose.yaml.

# The build stage has the compilers better-sqlite3 needs when no prebuilt binary can be fetched.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts run below, once the sources are in: prepare (the build) needs them.
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs ./scripts/
COPY src ./src
RUN node scripts/build.mjs --force && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The console serves its script and stylesheet from here, in dist/'s sibling as in a checkout.
COPY --from=build /app/src/console/static ./src/console/static
RUN mkdir /data && chown node:node /data
# Every setting is an environment variable (docs/settings.md). In a container the server listens
# on all interfaces; the public URL is what `docker run -p 127.0.0.1:4577:4577` makes reachable.
ENV NODE_ENV=production \
    PARTNERPLANE_HOST=0.0.0.0 \
    PARTNERPLANE_PORT=4577 \
    PARTNERPLANE_DATA_DIR=/data \
    PARTNERPLANE_PUBLIC_URL=http://127.0.0.1:4577 \
    PARTNERPLANE_LOG_FORMAT=json
USER node
VOLUME /data
EXPOSE 4577
# The timeout allows for a node process starting on a busy host (3 s was exceeded on a loaded one).
HEALTHCHECK --interval=10s --timeout=10s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PARTNERPLANE_PORT}/ready`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["serve"]

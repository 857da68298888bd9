/**
 * The repository's container files as a user runs them: the Dockerfile's image (image.ts) and
 * compose.yaml (compose.ts). The image is built once for both, under the name compose.yaml gives
 * it: compose.yaml's `build: .` would build without the host network the build stage's `npm ci`
 * needs here, so compose runs `up --no-build`. Its base images and postgres:15-bookworm are made
 * from local files (scripts/node-base-images.sh, scripts/postgres-base-image.sh), since no
 * registry is reachable.
 *
 * The engine is PARTNERPLANE_TEST_DOCKER_HOST (scripts/dockerd.sh start DIR starts a private one);
 * without it the tests are skipped, saying why, and with PARTNERPLANE_REQUIRE_DOCKER=1 (CI) they fail.
 */
import { before, describe } from 'node:test';
import { buildImage, buildPostgresImage } from '../helpers/container.js';
import { skipWithoutDocker } from '../helpers/docker.js';
import { describeCompose } from './compose.js';
import { describeImage } from './image.js';

const IMAGE = 'partnerplane';

describe('the container files', { skip: skipWithoutDocker }, () => {
  before(() => Promise.all([buildImage(IMAGE), buildPostgresImage()]));
  describeImage(IMAGE);
  describeCompose();
});

/**
 * A Docker Engine for tests (the images they run: dockerImages.ts).
 *
 * The engine is PARTNERPLANE_TEST_DOCKER_HOST (scripts/dockerd.sh start DIR starts a private one).
 * Without it the suites that need it are skipped, saying why; with PARTNERPLANE_REQUIRE_DOCKER=1
 * (CI) a missing engine fails them instead.
 */
import Docker from 'dockerode';

export { ensureTestImages, TEST_APP_PORT, testImage, type TestImageVariant } from './dockerImages.js';

export const TEST_DOCKER_HOST = process.env.PARTNERPLANE_TEST_DOCKER_HOST;
const HOW_TO_START = 'start one with `scripts/dockerd.sh start /tmp/ppdocker` and set PARTNERPLANE_TEST_DOCKER_HOST=unix:///tmp/ppdocker/d.sock';

if (!TEST_DOCKER_HOST && process.env.PARTNERPLANE_REQUIRE_DOCKER === '1') {
  throw new Error(`PARTNERPLANE_REQUIRE_DOCKER=1, but PARTNERPLANE_TEST_DOCKER_HOST is not set: ${HOW_TO_START}`);
}

/** For `describe(…, { skip })`: false with an engine, else why the suite is skipped. */
export const skipWithoutDocker: string | false = TEST_DOCKER_HOST ? false : `no Docker Engine for the tests (PARTNERPLANE_TEST_DOCKER_HOST is not set): ${HOW_TO_START}`;

/** A client of the test engine, on the unix socket scripts/dockerd.sh gives. */
export function testDocker(): Docker {
  if (!TEST_DOCKER_HOST) throw new Error(`no Docker Engine for the tests: ${HOW_TO_START}`);
  const socketPath = TEST_DOCKER_HOST.replace(/^unix:\/\//, '');
  return new Docker({ socketPath });
}


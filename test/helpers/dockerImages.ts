/**
 * The images the docker runtime's tests and the bench run, made from local files through the
 * Engine API (no registry is reachable): a static busybox (Debian's busybox-static) with a tiny web
 * app, imported from a tarball with each image's command and environment as the import's changes.
 * Names carry a hash of what goes into them, so an engine keeps them across runs and a change
 * makes new ones.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';

const BUSYBOX = '/usr/bin/busybox';
/** The port the test images' web app listens on. */
export const TEST_APP_PORT = 8080;

/**
 * The test app: writes its page and the environment it was given into /www, then serves /www.
 * /health exists only once /tmp/ready does when GATED is set, so a test can hold an app before
 * its health check passes and release it (exec `touch /tmp/ready`) without any timing; never when
 * UNHEALTHY is set. Each start adds a line to /data/starts (served as /starts.txt), so a test can
 * see the volume survive.
 * The shell stays PID 1 and ends on SIGTERM (httpd as PID 1 would ignore it).
 */
const APP_SCRIPT = `#!/bin/sh
set -e
mkdir -p /www /data
echo "$APP_MESSAGE" > /www/index.html
env | sort > /www/env.txt
echo "started $(date +%s)" >> /data/starts
cp /data/starts /www/starts.txt
echo "app starting: $APP_MESSAGE" >&2
if [ -n "$GATED" ]; then
  (until [ -f /tmp/ready ]; do sleep 0.05; done; echo ok > /www/health) &
elif [ -z "$UNHEALTHY" ]; then
  echo ok > /www/health
fi
httpd -f -v -p "\${PORT:-${TEST_APP_PORT}}" -h /www &
trap 'kill $!; exit 0' TERM
wait
`;

/** Each test image: its command and environment; every one shares the busybox file system. */
const VARIANTS = {
  /** Healthy once started. */
  'web:1': { env: ['APP_MESSAGE=web version 1'], cmd: ['/bin/app'] },
  'web:2': { env: ['APP_MESSAGE=web version 2'], cmd: ['/bin/app'] },
  /** Running, but healthy only once the test creates /tmp/ready in the container. */
  'web:gated': { env: ['APP_MESSAGE=web gated', 'GATED=1'], cmd: ['/bin/app'] },
  /** Exits at once with code 3, saying why on stderr. */
  'web:crash': { env: [], cmd: ['/bin/sh', '-c', 'echo "cannot start: no licence key" >&2; exit 3'] },
  /** Its command is not in the image. */
  'web:nocommand': { env: [], cmd: ['/bin/no-such-server'] },
  /** Runs and listens, but its health path never answers 200. */
  'web:unhealthy': { env: ['APP_MESSAGE=web unhealthy', 'UNHEALTHY=1'], cmd: ['/bin/app'] },
} as const;

export type TestImageVariant = keyof typeof VARIANTS;

/** The repository of the test images; the tag says the variant, and the content hash keeps runs apart from older builds. */
const REPOSITORY = 'partnerplane-test/web';

/** The image names, e.g. testImage('web:1') → partnerplane-test/web:1-<hash>. */
export function testImage(variant: TestImageVariant): string {
  return `${REPOSITORY}:${variant.slice('web:'.length)}-${contentHash()}`;
}

let hash: string | undefined;
function contentHash(): string {
  hash ??= createHash('sha256').update(fs.readFileSync(BUSYBOX)).update(APP_SCRIPT).update(JSON.stringify(VARIANTS)).digest('hex').slice(0, 10);
  return hash;
}

/** The busybox root file system: the binary, a link per applet, the app script. */
function writeRootfs(dir: string): void {
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.mkdirSync(path.join(dir, 'tmp'), { mode: 0o1777 });
  fs.mkdirSync(path.join(dir, 'www'));
  fs.copyFileSync(BUSYBOX, path.join(dir, 'bin/busybox'));
  fs.chmodSync(path.join(dir, 'bin/busybox'), 0o755);
  const applets = ['sh', 'httpd', 'sleep', 'echo', 'cat', 'mkdir', 'env', 'sort', 'date', 'touch', 'rm', 'ls', 'wget', 'id', 'true', 'false', 'kill'];
  for (const applet of applets) fs.symlinkSync('busybox', path.join(dir, 'bin', applet));
  fs.writeFileSync(path.join(dir, 'bin/app'), APP_SCRIPT, { mode: 0o755 });
}

/** The rootfs as a tar stream, from GNU tar (owned by root whoever runs the test). */
function tarStream(dir: string): NodeJS.ReadableStream {
  const tar = spawn('tar', ['-C', dir, '--owner=0', '--group=0', '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return tar.stdout;
}

async function importVariant(docker: Docker, rootfs: string, variant: TestImageVariant): Promise<void> {
  const [repo, tag] = testImage(variant).split(':') as [string, string];
  const { env, cmd } = VARIANTS[variant];
  const changes = [...env.map((entry) => `ENV ${entry.replace('=', '="')}"`), `CMD ${JSON.stringify(cmd)}`, `EXPOSE ${TEST_APP_PORT}`];
  const stream = await docker.importImage(tarStream(rootfs), { repo, tag, changes });
  await new Promise((resolve, reject) => docker.modem.followProgress(stream, (error) => (error ? reject(error) : resolve(undefined))));
}

/** Imports every test image the engine does not have yet (made for this content, so reruns reuse them). */
export async function ensureTestImages(docker: Docker): Promise<void> {
  const present = new Set((await docker.listImages({ filters: { reference: [REPOSITORY] } })).flatMap((image) => image.RepoTags ?? []));
  const missing = (Object.keys(VARIANTS) as TestImageVariant[]).filter((variant) => !present.has(testImage(variant)));
  if (missing.length === 0) return;
  if (!fs.existsSync(BUSYBOX)) throw new Error(`the docker test images need a static busybox at ${BUSYBOX} (Debian: apt-get install busybox-static)`);
  const rootfs = fs.mkdtempSync(path.join(os.tmpdir(), 'partnerplane-rootfs-'));
  try {
    writeRootfs(rootfs);
    for (const variant of missing) await importVariant(docker, rootfs, variant);
  } finally {
    fs.rmSync(rootfs, { recursive: true, force: true });
  }
}

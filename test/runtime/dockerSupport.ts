/**
 * What the docker runtime's end-to-end tests share: the catalog they run (each app type one
 * behaviour of the test images, test/helpers/dockerImages.ts) and looks at the engine.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { parseCatalog } from '../../src/catalog/parse.js';
import type { Catalog } from '../../src/catalog/catalog.js';
import { BACKEND_LABELS } from '../../src/runtime/runtime.js';
import { ensureTestImages, TEST_APP_PORT, testImage } from '../helpers/dockerImages.js';

/** An image no registry serves: on a loopback port where nothing listens, so its pull fails at once, without leaving this machine. */
export const MISSING_IMAGE = '127.0.0.1:9/partnerplane-test/missing:1';

/**
 * comet 1.1 serves ("web version 1"), 1.2 serves ("web version 2"), 1.3 crashes at start (a
 * broken upgrade); deepchecks-llm-evaluation is healthy only once the test lets it be; lakera-guard
 * crashes; fiddler's image does not exist.
 */
export function dockerTestCatalog(): object {
  const run = { port: TEST_APP_PORT, healthPath: '/health' };
  return {
    tiers: { small: { cpus: 0.5, memoryMiB: 64 }, large: { cpus: 0.75, memoryMiB: 128 } },
    types: {
      comet: {
        ...run,
        env: { GREETING: 'hello' },
        versions: [
          { version: '1.1', eolDate: '2027-05-31', image: testImage('web:1') },
          { version: '1.2', eolDate: '2028-01-31', image: testImage('web:2') },
          { version: '1.3', eolDate: '2028-09-30', image: testImage('web:crash') },
        ],
      },
      'deepchecks-llm-evaluation': { ...run, image: testImage('web:gated'), versions: [{ version: '1.0', eolDate: '2027-04-30' }] },
      'lakera-guard': { ...run, image: testImage('web:crash'), versions: [{ version: '1.4', eolDate: '2027-06-30' }] },
      fiddler: { ...run, image: MISSING_IMAGE, versions: [{ version: '1.3', eolDate: '2027-08-31' }] },
    },
  };
}

/** The test images on the engine, and the catalog that runs them (parsed, and as a file in `dir`). */
export async function dockerTestSetup(docker: Docker, dir: string): Promise<{ catalog: Catalog; catalogFile: string }> {
  await ensureTestImages(docker);
  const text = JSON.stringify(dockerTestCatalog(), null, 2);
  const catalogFile = path.join(dir, 'catalog.json');
  fs.writeFileSync(catalogFile, text);
  return { catalog: parseCatalog(text, catalogFile, 'image'), catalogFile };
}

/** The app's containers on the engine, running or not. */
export const appContainers = (docker: Docker, arn: string) => docker.listContainers({ all: true, filters: { label: [`${BACKEND_LABELS.arn}=${arn}`] } });

/** The app's volumes on the engine. */
export const appVolumes = async (docker: Docker, arn: string) => (await docker.listVolumes({ filters: { label: [`${BACKEND_LABELS.arn}=${arn}`] } })).Volumes ?? [];

/** Removes what the apps left on the engine (a closed server leaves its containers running, for the next start to adopt). */
export async function removeAppBackends(docker: Docker, arns: Iterable<string>): Promise<void> {
  for (const arn of arns) {
    for (const container of await appContainers(docker, arn)) await docker.getContainer(container.Id).remove({ force: true });
    for (const volume of await appVolumes(docker, arn)) await docker.getVolume(volume.Name).remove();
  }
}

/** Runs a command in the container; resolves to what it wrote, once it has run. */
export async function execIn(docker: Docker, id: string, cmd: string[]): Promise<string> {
  const exec = await docker.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  // The attached stream ends when the command does (a detached start would keep its connection open).
  const stream = await exec.start({ hijack: true, stdin: false });
  const output = new PassThrough();
  docker.modem.demuxStream(stream, output, output);
  let text = '';
  output.on('data', (chunk: Buffer) => (text += chunk.toString()));
  await new Promise((resolve, reject) => stream.on('end', resolve).on('error', reject));
  const { ExitCode } = await exec.inspect();
  if (ExitCode !== 0) throw new Error(`${cmd.join(' ')} exited with ${ExitCode} in ${id}: ${text}`);
  return text;
}

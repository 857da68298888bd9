/**
 * What of a tier the process runtime enforces, and how (docs/runtimes.md says the same):
 * - `memoryMiB`: enforced, as the process's RLIMIT_DATA (set by util-linux's `prlimit`, which then
 *   runs the command in its place): the memory it may allocate (heap, private writable mappings),
 *   not its resident size; an allocation beyond it fails (node ends "heap out of memory"). Not
 *   enforced, and said so in the log, where `prlimit` is not installed.
 * - `cpus`: not enforced (that needs a cgroup of partnerplane's own, which an unprivileged or
 *   containerised partnerplane does not have); the docker and swarm runtimes enforce it.
 * - `replicas`: one process per app.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BackendResources } from './runtime.js';

const PRLIMIT = 'prlimit';

/** The program's path if it can be run: a path as given, or a name found on PATH. */
export function resolveProgram(program: string, searchPath = process.env.PATH ?? ''): string | undefined {
  const candidates = program.includes('/') ? [program] : searchPath.split(':').filter(Boolean).map((dir) => path.join(dir, program));
  return candidates.find((candidate) => {
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return fs.statSync(candidate).isFile();
    } catch {
      return false;
    }
  });
}

/** The command to run for these resources: itself, or itself under prlimit when there is a memory limit to set. */
export function limitedCommand(argv: readonly string[], resources: BackendResources): string[] {
  if (resources.memoryMiB === undefined) return [...argv];
  const prlimit = resolveProgram(PRLIMIT);
  if (prlimit === undefined) return [...argv];
  return [prlimit, `--data=${resources.memoryMiB * 1024 * 1024}`, '--', ...argv];
}

/** What is and is not enforced for these resources, for the log line of each start. */
export function resourceNotes(resources: BackendResources): Record<string, string> {
  const notes: Record<string, string> = {};
  if (resources.memoryMiB !== undefined) {
    notes.memoryMiB = resolveProgram(PRLIMIT) ? `${resources.memoryMiB} MiB (RLIMIT_DATA)` : `${resources.memoryMiB} MiB not enforced: prlimit is not installed`;
  }
  if (resources.cpus !== undefined) notes.cpus = `${resources.cpus} not enforced by the process runtime`;
  if (resources.replicas !== undefined && resources.replicas > 1) notes.replicas = `${resources.replicas} not supported: one process per app`;
  return notes;
}

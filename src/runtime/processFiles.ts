/**
 * What the process runtime keeps on disk, so that a partnerplane started again (even after a
 * SIGKILL) finds the backends it left running, with no memory of the process before it:
 *
 *   <dataDir>/runtime/process/apps/<app-id>/data/               the app's persistent data (every generation's)
 *   <dataDir>/runtime/process/apps/<app-id>/gen-<n>/work/       the generation's working directory
 *   <dataDir>/runtime/process/apps/<app-id>/gen-<n>/backend.json  the pid file: which process runs it, since when, on which port
 *   <dataDir>/runtime/process/apps/<app-id>/gen-<n>/exit.json   how it ended, when this partnerplane saw it end
 *   <dataDir>/runtime/process/apps/<app-id>/gen-<n>/output.log  its stdout and stderr (and output.log.1, the part before)
 *
 * A process is known by its pid and its start time in /proc (a pid the system gave to another
 * process since is not taken for it).
 */
import fs from 'node:fs';
import path from 'node:path';

/** The pid file of a generation. */
export interface PidRecord {
  arn: string;
  generation: number;
  installation: string;
  pid: number;
  /** The process's start time in /proc/<pid>/stat (clock ticks since boot): with the pid, its identity. */
  startTicks: number;
  port: number;
  /** Epoch ms (wall time). */
  startedAt: number;
}

export interface ExitRecord {
  code?: number;
  signal?: string;
  /** Epoch ms (wall time). */
  at: number;
}

export class ProcessFiles {
  constructor(readonly root: string) {}

  appDir(appId: string): string {
    return path.join(this.root, 'apps', appId);
  }

  dataDir(appId: string, dataName: string): string {
    return path.join(this.appDir(appId), dataName);
  }

  generationDir(appId: string, generation: number): string {
    return path.join(this.appDir(appId), `gen-${generation}`);
  }

  logFile(appId: string, generation: number): string {
    return path.join(this.generationDir(appId, generation), 'output.log');
  }

  /** The app ids with a directory, and each one's generations, newest first. */
  generations(appId?: string): { appId: string; generation: number }[] {
    const appIds = appId === undefined ? listDir(path.join(this.root, 'apps')) : [appId];
    return appIds.flatMap((id) =>
      listDir(this.appDir(id))
        .flatMap((name) => (/^gen-\d+$/.test(name) ? [{ appId: id, generation: Number(name.slice(4)) }] : []))
        .sort((a, b) => b.generation - a.generation),
    );
  }

  readPid(appId: string, generation: number): PidRecord | undefined {
    return readJson<PidRecord>(path.join(this.generationDir(appId, generation), 'backend.json'));
  }

  writePid(appId: string, record: PidRecord): void {
    writeJson(path.join(this.generationDir(appId, record.generation), 'backend.json'), record);
  }

  readExit(appId: string, generation: number): ExitRecord | undefined {
    return readJson<ExitRecord>(path.join(this.generationDir(appId, generation), 'exit.json'));
  }

  writeExit(appId: string, generation: number, record: ExitRecord | undefined): void {
    const file = path.join(this.generationDir(appId, generation), 'exit.json');
    if (record) writeJson(file, record);
    else fs.rmSync(file, { force: true });
  }
}

/** A directory's entries; none when it does not exist. */
function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (error) {
    // Missing, or cut short by a crash while it was written (writeJson renames, so only a torn
    // copy left by another tool): either way there is no record to go by.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/** Written whole or not at all: a crash mid-write leaves the previous record. */
function writeJson(file: string, value: unknown): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(value));
  fs.renameSync(temporary, file);
}

/** The start time of a live process (clock ticks since boot), or undefined when it is gone or a zombie. */
export function processStartTicks(pid: number): number | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its end.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
  return Number(fields[19]);
}

/** Whether the process a pid file names still runs (the same process: its start time matches). */
export const isRunning = (record: PidRecord): boolean => processStartTicks(record.pid) === record.startTicks;

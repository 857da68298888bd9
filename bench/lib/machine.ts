/** What the figures were measured on, and how busy the machine was meanwhile. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

export function describeMachine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  let wrk = 'wrk (version unknown)';
  try {
    wrk = execFileSync('wrk', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0]!.split(' [')[0]!;
  } catch (error) {
    // `wrk --version` exits 1 after printing its version.
    wrk = String((error as { stdout?: string }).stdout ?? '').split('\n')[0]!.split(' [')[0]! || wrk;
  }
  return `${os.availableParallelism()} cores (nproc), ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${wrk}`;
}

function cpuTimes(): { busy: number; total: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = fields[3]! + (fields[4] ?? 0);
  const total = fields.reduce((sum, value) => sum + value, 0);
  return { busy: total - idle, total };
}

/** Share of all cores busy over `ms` milliseconds while this bench does nothing: others' load. */
export async function busyShare(ms: number): Promise<number> {
  const before = cpuTimes();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = cpuTimes();
  return (after.busy - before.busy) / Math.max(1, after.total - before.total);
}

export const loadAverage = () => os.loadavg().map((value) => value.toFixed(2)).join(' ');

/** The filesystem holding `dir` (fsync on tmpfs would prove nothing about durability). */
export function filesystemOf(dir: string): string {
  // findmnt names the mounted type (ext4); stat -f only its magic number's family (ext2/ext3).
  for (const [command, args] of [['findmnt', ['-n', '-o', 'FSTYPE', '--target', dir]], ['stat', ['-f', '-c', '%T', dir]]] as const) {
    try {
      const type = execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0]!.trim();
      if (type) return type;
    } catch {
      // not installed, or not a mount it knows: try the next
    }
  }
  return 'unknown';
}

/** One measured round: wrk replaying a file of pre-signed requests against a server. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './processes.js';
import type { Endpoint } from './signing.js';

export interface RoundResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Requests wrk sent, including those still in flight when the round ended. */
  sent: number;
}

export interface RoundOptions {
  endpoint: Endpoint;
  poolFile: string;
  /** Distinct requests in poolFile; a round that needs more fails rather than repeat one. */
  poolSize: number;
  seconds: number;
  connections: number;
  /** Set for the bare server, which checks nothing: it may see a request twice. */
  allowRepeats?: boolean;
  /** Keep the first failed answer (costs wrk a parse of every answer: not for measured rounds). */
  sampleFailures?: boolean;
}

const SCRIPT = path.join(ROOT, 'bench/wrk/replay.lua');

/** Writes requests as the records replay.lua reads: "<byte length>\n<bytes>". */
export function writePool(file: string, requests: readonly string[]): void {
  const parts: Buffer[] = [];
  for (const request of requests) {
    const bytes = Buffer.from(request);
    parts.push(Buffer.from(`${bytes.length}\n`), bytes);
  }
  fs.writeFileSync(file, Buffer.concat(parts));
}

export class RoundError extends Error {}

/** Some requests of the round got an HTTP error, a socket error or no answer in time. */
export class FailedRequests extends RoundError {}

/** The round needed more distinct requests than it was given: `sent` is how many it would have sent. */
export class PoolOutrun extends RoundError {
  constructor(
    readonly sent: number,
    poolSize: number,
  ) {
    super(`the round needed ${sent} requests but only ${poolSize} distinct ones were signed`);
  }
}

export function runRound(options: RoundOptions): Promise<RoundResult> {
  const { endpoint, seconds, connections } = options;
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', SCRIPT, `http://${endpoint.hostname}:${endpoint.port}/`, '--', options.poolFile, '1', options.sampleFailures ? 'sample' : 'fast'];
  return new Promise((resolve, reject) => {
    const wrk = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    wrk.stdout.on('data', (chunk: Buffer) => (output += chunk));
    wrk.stderr.on('data', (chunk: Buffer) => (output += chunk));
    wrk.once('error', (error) => reject(new RoundError(`could not run wrk (apt-get install -y wrk): ${error.message}`)));
    wrk.once('exit', (code) => {
      const line = output.split('\n').find((text) => text.startsWith('WRK_RESULT '));
      if (code !== 0 || !line) return reject(new RoundError(`wrk failed (${code}):\n${output}`));
      const raw = JSON.parse(line.slice('WRK_RESULT '.length)) as Record<string, number>;
      const failures = raw.statusErrors! + raw.socketErrors! + raw.timeouts!;
      if (failures > 0) {
        const sample = output.split('\n').find((text) => text.startsWith('WRK_FAILURE '));
        const detail = sample ? `; the first: ${sample.slice('WRK_FAILURE '.length)}` : '';
        return reject(new FailedRequests(`${failures} of ${raw.requests} requests failed (${raw.statusErrors} HTTP errors, ${raw.socketErrors} socket errors, ${raw.timeouts} timeouts)${detail}`));
      }
      if (!options.allowRepeats && raw.sent! > options.poolSize) {
        return reject(new PoolOutrun(raw.sent!, options.poolSize));
      }
      resolve({
        requestsPerSecond: raw.requests! / (raw.durationUs! / 1e6),
        p50Ms: raw.p50Us! / 1000,
        p99Ms: raw.p99Us! / 1000,
        requests: raw.requests!,
        sent: raw.sent!,
      });
    });
  });
}

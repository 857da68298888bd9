/**
 * Measured rounds of distinct, SigV4-signed requests against a server, and their records: the part
 * of the bench every comparison shares (bench/run.ts against the bare server and moto, bench/postgres.ts
 * against pgbench).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Running } from './processes.js';
import { signCall, wireText, type Endpoint } from './signing.js';
import { fixed, median } from './stats.js';
import { FailedRequests, PoolOutrun, RoundError, runRound, writePool, type RoundOptions, type RoundResult } from './wrk.js';

export interface Call {
  operation: string;
  /** The input of the n-th request: every n gives a request that succeeds and differs from the others. */
  input(n: number): object;
}

/** Hands out request numbers so that no request is ever signed twice for the same call. */
export class Sequence {
  private next = 0;
  take(count: number): number[] {
    const numbers = Array.from({ length: count }, (_, index) => this.next + index);
    this.next += count;
    return numbers;
  }
}

/** A round, with the server's CPU time per answered request (less sensitive to others' load than req/s). */
export interface Measured extends RoundResult {
  cpuUsPerRequest: number;
}

export interface Series {
  rps: number[];
  p50: number[];
  p99: number[];
  cpuUs: number[];
}
export const emptySeries = (): Series => ({ rps: [], p50: [], p99: [], cpuUs: [] });
export const record = (series: Series, round: Pick<Measured, 'requestsPerSecond' | 'p50Ms' | 'p99Ms' | 'cpuUsPerRequest'>) => {
  series.rps.push(round.requestsPerSecond);
  series.p50.push(round.p50Ms);
  series.p99.push(round.p99Ms);
  series.cpuUs.push(round.cpuUsPerRequest);
};
export const summary = (series: Series) => ({ rps: median(series.rps), p50: median(series.p50), p99: median(series.p99), cpuUs: median(series.cpuUs) });
export const describeRound = (label: string, round: Pick<Measured, 'requestsPerSecond' | 'p50Ms' | 'p99Ms' | 'cpuUsPerRequest'>) =>
  `  ${label.padEnd(13)} ${fixed(round.requestsPerSecond).padStart(6)} req/s  p50 ${fixed(round.p50Ms, 2)} ms  p99 ${fixed(round.p99Ms, 2)} ms  server CPU ${fixed(round.cpuUsPerRequest)} µs/request`;

export interface RoundSettings {
  connections: number;
  warmupSeconds: number;
  /** Enough for V8 to have optimised the request path: the first thousands of requests cost several times more. */
  warmupRounds: number;
  /** Where the signed pools are written (and removed after their round). */
  workDir: string;
  progress(message: string): void;
}

/** A server under measurement: where to send requests, and the processes whose CPU time counts. */
export interface Target {
  endpoint: Endpoint;
  cpuSeconds(): number;
}

export const targetOf = (server: Running, others: Running[] = []): Target => ({
  endpoint: server.endpoint,
  cpuSeconds: () => [server, ...others].reduce((sum, process) => sum + process.cpuSeconds(), 0),
});

export class Rounds {
  private poolCounter = 0;

  constructor(private readonly settings: RoundSettings) {}

  async signPool(endpoint: Endpoint, target: Call, sequence: Sequence, size: number): Promise<string> {
    const requests: string[] = [];
    for (const n of sequence.take(size)) requests.push(wireText(await signCall(endpoint, target.operation, target.input(n))));
    const file = path.join(this.settings.workDir, `pool-${this.poolCounter++}.txt`);
    writePool(file, requests);
    return file;
  }

  async measured(server: Target, options: Omit<RoundOptions, 'endpoint' | 'connections'>): Promise<Measured> {
    const cpuBefore = server.cpuSeconds();
    const round = await runRound({ ...options, endpoint: server.endpoint, connections: this.settings.connections });
    return { ...round, cpuUsPerRequest: ((server.cpuSeconds() - cpuBefore) / round.requests) * 1e6 };
  }

  /**
   * A round of distinct signed requests. The pool is sized from the rate expected; a round that
   * outruns it is run again, with a pool sized from what that round would have sent (at least twice
   * as large), rather than let any request repeat. Five tries: on a busy machine the first rounds of
   * a cold server run far slower than the ones after, and each try can outrun the last one's pool.
   */
  async signed(server: Target, target: Call, sequence: Sequence, expectedRate: number, seconds: number): Promise<Measured> {
    let poolSize = Math.ceil(expectedRate * seconds * 1.5) + 4 * this.settings.connections;
    for (let attempt = 1; ; attempt++) {
      const poolFile = await this.signPool(server.endpoint, target, sequence, poolSize);
      try {
        return await this.measured(server, { poolFile, poolSize, seconds });
      } catch (error) {
        if (error instanceof FailedRequests) throw await this.withSample(error, server.endpoint, target, sequence, poolSize);
        if (!(error instanceof PoolOutrun) || attempt === 5) throw error;
        poolSize = Math.max(poolSize * 2, Math.ceil(error.sent * 1.5));
        this.settings.progress(`  ${error.message}; again with ${poolSize}`);
      } finally {
        fs.rmSync(poolFile, { force: true });
      }
    }
  }

  /** Warm-up rounds (not recorded); returns the highest rate seen, to size the pools of the rounds after. */
  async warmUp(server: Target, target: Call, sequence: Sequence, firstGuess: number, label = 'warm-up'): Promise<number> {
    let expected = firstGuess;
    let highest = 0;
    for (let round = 1; round <= this.settings.warmupRounds; round++) {
      const warm = await this.signed(server, target, sequence, expected, this.settings.warmupSeconds);
      this.settings.progress(describeRound(label, warm));
      highest = Math.max(highest, warm.requestsPerSecond);
      expected = highest;
    }
    return highest;
  }

  /** A failed round says how many failed; a second, slower round that reads every answer says why. */
  private async withSample(error: RoundError, endpoint: Endpoint, target: Call, sequence: Sequence, poolSize: number): Promise<RoundError> {
    const poolFile = await this.signPool(endpoint, target, sequence, poolSize);
    try {
      await runRound({ endpoint, poolFile, poolSize, seconds: 1, connections: this.settings.connections, sampleFailures: true });
      return new RoundError(`${target.operation}: ${error.message} (a sampling round afterwards passed)`);
    } catch (sampled) {
      return new RoundError(`${target.operation}: ${error.message}; sampling round: ${(sampled as Error).message}`);
    } finally {
      fs.rmSync(poolFile, { force: true });
    }
  }
}

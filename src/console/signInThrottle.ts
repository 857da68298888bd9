/**
 * The console's sign-in throttle. Failed sign-ins are counted in token buckets — one per client
 * address (an IPv6 client by its /64), one per access key — of BURST tokens each, one token
 * coming back every REFILL_MS: a failure takes a token from each of its buckets, and an attempt
 * whose bucket is empty is answered 429 without its secret being looked at.
 *
 * A per-key limit alone would let anyone lock a key's owner out by failing on purpose. So a
 * successful sign-in also hands the browser a device cookie (sealed, naming the key): a sign-in
 * for that key that carries it is counted in a bucket of that device instead, and neither the
 * key's nor the address's bucket applies to it. An attacker without the cookie can exhaust the
 * key's bucket for other unknown browsers only, and each token comes back after REFILL_MS.
 *
 * The buckets live in the process. Replicas each keep their own, so N replicas allow N times the
 * rate; a database table would put the writes of every failed attempt of a flood on the shared
 * database instead. Device cookies are sealed with the console secret every replica shares, so a
 * trusted browser is one on every replica. Memory stays bounded: only keys of the credentials
 * file and devices this server sealed have buckets, a full bucket is forgotten, and past
 * MAX_TRACKED addresses or devices with recent failures, new ones share one overflow bucket.
 */
import { randomBytes } from 'node:crypto';
import { seal, unseal } from '../sealed.js';
import { clientOf } from '../protocol/clientAddress.js';

export const BURST = 10;
export const REFILL_MS = 6_000;
const MAX_TRACKED = 10_000;
/** Forgetting the full buckets of a full table is a walk through it: at most this often. */
const PRUNE_EVERY_MS = 1_000;

export const DEVICE_COOKIE = 'partnerplane_console_device';
export const DEVICE_TTL_SECONDS = 30 * 24 * 3600;
const DEVICE_PURPOSE = 'console-device';

interface Bucket {
  tokens: number;
  /** Epoch ms when `tokens` was counted. */
  at: number;
}

/** Token buckets by name, with room for MAX_TRACKED of them. */
class Buckets {
  private readonly buckets = new Map<string, Bucket>();
  private lastPrune = 0;

  private level(bucket: Bucket | undefined, now: number): number {
    return bucket === undefined ? BURST : Math.min(BURST, bucket.tokens + (now - bucket.at) / REFILL_MS);
  }

  /** The name a bucket is kept under: its own while there is room, the overflow's after. */
  private slot(name: string, now: number): string {
    if (this.buckets.has(name) || this.buckets.size < MAX_TRACKED) return name;
    if (now - this.lastPrune >= PRUNE_EVERY_MS) {
      this.lastPrune = now;
      for (const [kept, bucket] of this.buckets) if (this.level(bucket, now) >= BURST) this.buckets.delete(kept);
    }
    return this.buckets.size < MAX_TRACKED ? name : '*overflow*';
  }

  /** Milliseconds until `name` has a whole token again; 0 when it has one. */
  waitMs(name: string, now: number): number {
    const level = this.level(this.buckets.get(this.slot(name, now)), now);
    return level >= 1 ? 0 : Math.ceil((1 - level) * REFILL_MS);
  }

  take(name: string, now: number): void {
    const slot = this.slot(name, now);
    const level = this.level(this.buckets.get(slot), now);
    this.buckets.set(slot, { tokens: Math.max(0, level - 1), at: now });
  }
}

export interface SignInAttempt {
  /** Set when the attempt is refused unchecked: whole seconds until one may succeed. */
  retryAfterSeconds?: number;
  /** Counts the attempt as failed. */
  failed(): void;
}

export class SignInThrottle {
  private readonly addresses = new Buckets();
  private readonly keys = new Buckets();
  private readonly devices = new Buckets();

  constructor(
    private readonly sealKey: string,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * An attempt to sign in as `accessKeyId` (`knownKey`: a key of the credentials file) from
   * `address`, with the device cookie the browser sent, if any.
   */
  attempt(address: string | undefined, accessKeyId: string, knownKey: boolean, deviceCookie: string | undefined): SignInAttempt {
    const now = this.now();
    const device = deviceCookie === undefined ? undefined : this.deviceOf(deviceCookie, accessKeyId, now);
    const buckets: [Buckets, string][] = device
      ? [[this.devices, device]]
      : [[this.addresses, clientOf(address)], ...(knownKey ? [[this.keys, accessKeyId] as [Buckets, string]] : [])];
    const waitMs = Math.max(...buckets.map(([table, name]) => table.waitMs(name, now)));
    return {
      retryAfterSeconds: waitMs > 0 ? Math.ceil(waitMs / 1000) : undefined,
      failed: () => {
        for (const [table, name] of buckets) table.take(name, this.now());
      },
    };
  }

  /** The value of a new device cookie for a browser that just signed in as `accessKeyId`. */
  deviceCookieValue(accessKeyId: string): string {
    return seal(this.sealKey, DEVICE_PURPOSE, { accessKeyId, id: randomBytes(16).toString('base64url'), expiresAt: this.now() + DEVICE_TTL_SECONDS * 1000 });
  }

  /** The device's id if the cookie is one this server sealed, for this key, and not expired. */
  private deviceOf(cookie: string, accessKeyId: string, now: number): string | undefined {
    const claims = unseal(this.sealKey, DEVICE_PURPOSE, cookie) as { accessKeyId?: unknown; id?: unknown; expiresAt?: unknown } | undefined;
    if (typeof claims !== 'object' || claims === null) return undefined;
    const valid = claims.accessKeyId === accessKeyId && typeof claims.id === 'string' && typeof claims.expiresAt === 'number' && claims.expiresAt > now;
    return valid ? (claims.id as string) : undefined;
  }
}

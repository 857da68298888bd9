/**
 * The SQLite store finds a ClientToken's record by a hash of its key (migration 008): 48 bits of
 * the SHA-256 of account, region, operation and token, a JavaScript number. Records whose hashes
 * collide are told apart by the key's own columns, so a collision costs a row read, never a mix-up;
 * a cryptographic hash keeps anyone from making many keys collide with someone else's.
 */
import { hash } from 'node:crypto';
import type { IdempotencyKey } from './store.js';

const hashOf = ({ accountId, region, operation, token }: IdempotencyKey): number =>
  hash('sha256', `${accountId}\n${region}\n${operation}\n${token}`, 'buffer').readUIntBE(0, 6);

// A write looks its key up and then records it, the same object both times (keys are never
// changed once made): the last one's hash serves the second call.
let lastKey: IdempotencyKey | undefined;
let lastHash = 0;

export function idempotencyKeyHash(key: IdempotencyKey): number {
  if (key !== lastKey) {
    lastHash = hashOf(key);
    lastKey = key;
  }
  return lastHash;
}

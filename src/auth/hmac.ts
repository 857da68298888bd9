/**
 * HMAC-SHA256 (RFC 2104) for a key used many times: SigV4's signing key signs every request of its
 * day, region and service. HMAC(K, m) = H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)); the two padded key
 * blocks are worked out once per key here, and each signature is two one-shot SHA-256s of
 * node:crypto (OpenSSL) over buffers kept for the key, where node:crypto's `createHmac` would build
 * a stream object and an OpenSSL context for every signature (its cost: docs/performance.md). The
 * hashing itself stays OpenSSL's; test/auth/hmac.test.ts holds this to `createHmac`.
 */
import { hash } from 'node:crypto';

/** SHA-256's block size: the key is padded (or, if longer, hashed) to it. */
const BLOCK_BYTES = 64;
const DIGEST_BYTES = 32;
/** Room kept after the inner block for the message; a longer one is copied into a buffer of its own. */
const MESSAGE_ROOM_BYTES = 1024;

export class HmacSha256Key {
  /** K ⊕ ipad, then room for the message. */
  private readonly inner = Buffer.alloc(BLOCK_BYTES + MESSAGE_ROOM_BYTES);
  /** K ⊕ opad, then the inner digest. */
  private readonly outer = Buffer.alloc(BLOCK_BYTES + DIGEST_BYTES);

  constructor(key: Uint8Array) {
    const block = key.length > BLOCK_BYTES ? hash('sha256', key, 'buffer') : key;
    this.inner.fill(0x36, 0, BLOCK_BYTES);
    this.outer.fill(0x5c, 0, BLOCK_BYTES);
    for (let i = 0; i < block.length; i++) {
      this.inner[i]! ^= block[i]!;
      this.outer[i]! ^= block[i]!;
    }
  }

  /** The HMAC of the message's UTF-8 bytes, in lower-case hex, as `createHmac(…).update(message).digest('hex')`. */
  hex(message: string): string {
    // A UTF-16 code unit takes at most three bytes of UTF-8.
    const input =
      message.length * 3 <= MESSAGE_ROOM_BYTES
        ? this.inner.subarray(0, BLOCK_BYTES + this.inner.write(message, BLOCK_BYTES, 'utf8'))
        : Buffer.concat([this.inner.subarray(0, BLOCK_BYTES), Buffer.from(message)]);
    // The digest as 'binary' (latin1) text is its bytes one for one, and a string is hash()'s cheapest output.
    this.outer.write(hash('sha256', input, 'binary'), BLOCK_BYTES, 'latin1');
    return hash('sha256', this.outer, 'hex');
  }
}

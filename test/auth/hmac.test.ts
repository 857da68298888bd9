/** The signing key's HMAC is node:crypto's createHmac, byte for byte, whatever the key and message. */
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { HmacSha256Key } from '../../src/auth/hmac.js';

const expected = (key: Uint8Array, message: string) => createHmac('sha256', key).update(message).digest('hex');

test('RFC 4231 test case 2: a key shorter than the block', () => {
  assert.equal(new HmacSha256Key(Buffer.from('Jefe')).hex('what do ya want for nothing?'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
});

test('RFC 4231 test case 6: a key longer than the block is hashed first', () => {
  const key = Buffer.alloc(131, 0xaa);
  assert.equal(
    new HmacSha256Key(key).hex('Test Using Larger Than Block-Size Key - Hash Key First'),
    '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
  );
});

test('keys of every length up to two blocks, messages empty, ASCII, multi-byte and longer than the room kept for them', () => {
  const messages = ['', 'AWS4-HMAC-SHA256\n20261128T081116Z\n20261128/us-east-1/sagemaker/aws4_request\n' + 'ab'.repeat(32), 'é€😀 mixed', 'x'.repeat(341), 'y'.repeat(342), '€'.repeat(400), 'z'.repeat(5000)];
  for (let length = 0; length <= 128; length++) {
    const key = randomBytes(length);
    const hmac = new HmacSha256Key(key);
    for (const message of messages) assert.equal(hmac.hex(message), expected(key, message), `key of ${length} bytes, message of ${message.length} characters`);
  }
});

test('one key signs message after message, each as if it were the first', () => {
  const key = randomBytes(32);
  const hmac = new HmacSha256Key(key);
  // A long message, then a short one: nothing of the first may be left in what the second hashes.
  for (const message of ['a'.repeat(900), 'b', 'c'.repeat(2000), 'd', '']) assert.equal(hmac.hex(message), expected(key, message));
});

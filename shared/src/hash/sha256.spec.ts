import { createHash } from 'node:crypto';
import { sha256Hex } from './sha256';

const nodeSha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

// A small seeded generator keeps failures reproducible.
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABETS = [
  'abcdefghijklmnopqrstuvwxyz0123456789-_.+@',
  'äöüßéèàçñ€£¥',
  '日本語中文한국어',
  '😀🐧🚀𝄞',
];

function randomText(random: () => number, length: number): string {
  let text = '';
  while (text.length < length) {
    const alphabet = [...ALPHABETS[Math.floor(random() * ALPHABETS.length)]];
    text += alphabet[Math.floor(random() * alphabet.length)];
  }
  return text;
}

describe('sha256Hex', () => {
  it('matches the FIPS 180-4 test vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    expect(sha256Hex('a'.repeat(1_000_000))).toBe(
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    );
  });

  it('matches node:crypto for every ASCII length around the 64-byte block and 56-byte padding boundaries', () => {
    for (let length = 0; length <= 260; length++) {
      const text = 'x'.repeat(length);
      expect(sha256Hex(text)).toBe(nodeSha256(text));
    }
  });

  it('matches node:crypto on random unicode text of many lengths', () => {
    const random = prng(20261130);
    for (let round = 0; round < 400; round++) {
      const text = randomText(random, Math.floor(random() * 300));
      expect(sha256Hex(text)).toBe(nodeSha256(text));
    }
  });

  it('encodes multi-byte characters so the UTF-8 length straddles block boundaries', () => {
    for (const char of ['é', '€', '😀']) {
      for (let count = 10; count <= 40; count++) {
        const text = 'p'.repeat(count) + char.repeat(count);
        expect(sha256Hex(text)).toBe(nodeSha256(text));
      }
    }
  });

  it('replaces lone surrogates with U+FFFD exactly like Node does', () => {
    for (const text of ['\ud800', 'a\udc00b', '\ud83d', 'x\ud83d\ud83dy', '\udfff\ud800']) {
      expect(sha256Hex(text)).toBe(nodeSha256(text));
    }
  });

  it('gives the same answer after a very large input has grown the scratch buffer', () => {
    const big = randomText(prng(7), 300_000);
    expect(sha256Hex(big)).toBe(nodeSha256(big));
    expect(sha256Hex('abc')).toBe(nodeSha256('abc'));
    expect(sha256Hex(big)).toBe(nodeSha256(big));
  });
});

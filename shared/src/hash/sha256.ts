// SHA-256 (FIPS 180-4) in plain TypeScript: the library also runs in the browser console, where
// node:crypto does not exist and WebCrypto is asynchronous, while content hashes are needed synchronously.

const ROUND_CONSTANTS = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

const INITIAL_STATE = [
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

// Reused between calls: hashing is synchronous, so one scratch buffer per process is enough and the
// multi-megabyte canonical forms of large states do not allocate a fresh buffer each time.
const schedule = new Int32Array(64);
const digest = new Int32Array(8);
let bytes = new Uint8Array(1 << 16);

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex SHA-256 of the UTF-8 encoding of `text` (lone surrogates become U+FFFD, as in TextEncoder). */
export function sha256Hex(text: string): string {
  const length = encodeUtf8(text);
  // encodeUtf8 reserved room for the padding, so the buffer is not reallocated here.
  const paddedLength = (((length + 8) >>> 6) + 1) << 6;
  const buffer = bytes;
  buffer[length] = 0x80;
  buffer.fill(0, length + 1, paddedLength);
  // Message length in bits as a 64-bit big-endian integer; JavaScript strings stay far below 2^53 bits.
  const bitLength = length * 8;
  const high = Math.floor(bitLength / 0x100000000);
  const low = bitLength >>> 0;
  buffer[paddedLength - 8] = high >>> 24;
  buffer[paddedLength - 7] = high >>> 16;
  buffer[paddedLength - 6] = high >>> 8;
  buffer[paddedLength - 5] = high;
  buffer[paddedLength - 4] = low >>> 24;
  buffer[paddedLength - 3] = low >>> 16;
  buffer[paddedLength - 2] = low >>> 8;
  buffer[paddedLength - 1] = low;

  digest.set(INITIAL_STATE);
  for (let offset = 0; offset < paddedLength; offset += 64) compressBlock(buffer, offset);

  let hex = '';
  for (let i = 0; i < 8; i++) {
    const word = digest[i];
    hex +=
      HEX[(word >>> 24) & 0xff] + HEX[(word >>> 16) & 0xff] + HEX[(word >>> 8) & 0xff] + HEX[word & 0xff];
  }
  return hex;
}

function ensureCapacity(needed: number): void {
  if (bytes.length >= needed) return;
  let size = bytes.length;
  while (size < needed) size *= 2;
  bytes = new Uint8Array(size);
}

/** Writes the UTF-8 form of `text` into the scratch buffer and returns its byte length. */
function encodeUtf8(text: string): number {
  // Three bytes per UTF-16 unit is the worst case (a surrogate pair is 2 units for 4 bytes), plus padding room.
  ensureCapacity(text.length * 3 + 72);
  const buffer = bytes;
  let position = 0;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      buffer[position++] = code;
      continue;
    }
    if (code < 0x800) {
      buffer[position++] = 0xc0 | (code >>> 6);
      buffer[position++] = 0x80 | (code & 0x3f);
      continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i++;
        buffer[position++] = 0xf0 | (code >>> 18);
        buffer[position++] = 0x80 | ((code >>> 12) & 0x3f);
        buffer[position++] = 0x80 | ((code >>> 6) & 0x3f);
        buffer[position++] = 0x80 | (code & 0x3f);
        continue;
      }
      code = 0xfffd;
    }
    buffer[position++] = 0xe0 | (code >>> 12);
    buffer[position++] = 0x80 | ((code >>> 6) & 0x3f);
    buffer[position++] = 0x80 | (code & 0x3f);
  }
  return position;
}

function compressBlock(buffer: Uint8Array, offset: number): void {
  const w = schedule;
  for (let t = 0; t < 16; t++) {
    const p = offset + t * 4;
    w[t] = (buffer[p] << 24) | (buffer[p + 1] << 16) | (buffer[p + 2] << 8) | buffer[p + 3];
  }
  for (let t = 16; t < 64; t++) {
    const x = w[t - 15];
    const y = w[t - 2];
    const sigma0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const sigma1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[t] = (w[t - 16] + sigma0 + w[t - 7] + sigma1) | 0;
  }

  let a = digest[0];
  let b = digest[1];
  let c = digest[2];
  let d = digest[3];
  let e = digest[4];
  let f = digest[5];
  let g = digest[6];
  let h = digest[7];
  for (let t = 0; t < 64; t++) {
    const bigSigma1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const choose = (e & f) ^ (~e & g);
    const temp1 = (h + bigSigma1 + choose + ROUND_CONSTANTS[t] + w[t]) | 0;
    const bigSigma0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const majority = (a & b) ^ (a & c) ^ (b & c);
    const temp2 = (bigSigma0 + majority) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + temp1) | 0;
    d = c;
    c = b;
    b = a;
    a = (temp1 + temp2) | 0;
  }
  digest[0] = (digest[0] + a) | 0;
  digest[1] = (digest[1] + b) | 0;
  digest[2] = (digest[2] + c) | 0;
  digest[3] = (digest[3] + d) | 0;
  digest[4] = (digest[4] + e) | 0;
  digest[5] = (digest[5] + f) | 0;
  digest[6] = (digest[6] + g) | 0;
  digest[7] = (digest[7] + h) | 0;
}

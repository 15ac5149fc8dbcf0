// pacman's version comparison (libalpm `alpm_pkg_vercmp`, lib/libalpm/version.c of pacman 6), ported
// character for character so that the server, the client and the real `vercmp` binary never disagree
// about upgrade versus downgrade. The differential test (vercmp.oracle.spec.ts) holds it to the binary.
//
// It runs on a hot path (plans compare thousands of versions), so it walks char codes over index ranges
// of the original strings: no substrings, no regular expressions, no allocation per call.

/** -1: `a` is older than `b`, 0: pacman considers them equal, 1: `a` is newer. */
export type VersionOrder = -1 | 0 | 1;

const OTHER = 0;
const DIGIT = 1;
const ALPHA = 2;

// C's isdigit/isalpha in the "C" locale: ASCII only. Every other character (including all non-ASCII)
// is a separator, exactly as for libalpm, which never calls setlocale for these checks. The table spans
// every UTF-16 code unit so that a lookup needs no range check on the hot path.
const CHAR_CLASS = new Uint8Array(0x10000);
for (let code = 48; code <= 57; code++) CHAR_CLASS[code] = DIGIT;
for (let code = 65; code <= 90; code++) CHAR_CLASS[code] = ALPHA;
for (let code = 97; code <= 122; code++) CHAR_CLASS[code] = ALPHA;

const CODE_ZERO = 48;
const CODE_COLON = 58;
const CODE_DASH = 45;
const IMPLICIT_EPOCH = '0';

function classOf(code: number): number {
  return CHAR_CLASS[code];
}

// libalpm measures separator runs in bytes of the UTF-8 argument, so a non-ASCII separator weighs what
// its UTF-8 encoding weighs. A surrogate pair is 4 bytes: 2 per UTF-16 unit. (A lone surrogate has no
// UTF-8 form, so no command line could carry it; it counts 2 here and never passes validation.)
function utf8Bytes(code: number): number {
  if (code < 0x80) return 1;
  if (code < 0x800 || (code >= 0xd800 && code <= 0xdfff)) return 2;
  return 3;
}

/**
 * rpmvercmp over `a[aIndex, aEnd)` and `b[bIndex, bEnd)`: alternating runs of ASCII digits or letters,
 * split by runs of anything else. The caller knows that `a[k] === b[k]` for every `k < identicalBefore`.
 */
function compareSegments(
  a: string,
  aIndex: number,
  aEnd: number,
  b: string,
  bIndex: number,
  bEnd: number,
  identicalBefore: number,
): VersionOrder {
  if (aIndex === bIndex) {
    // Identical text splits into identical segments that compare equal, so the walk may start at the last
    // segment end strictly inside the shared prefix: both sides stand there exactly as the full walk would.
    const shared = Math.min(identicalBefore, aEnd, bEnd);
    if (shared === aEnd && shared === bEnd) return 0;
    let restart = shared - 1;
    while (restart > aIndex) {
      const before = classOf(a.charCodeAt(restart - 1));
      if (before !== OTHER && classOf(a.charCodeAt(restart)) !== before) break;
      restart--;
    }
    if (restart > aIndex) {
      aIndex = restart;
      bIndex = restart;
    }
  }
  while (aIndex < aEnd && bIndex < bEnd) {
    let aSeparatorBytes = 0;
    let aCode = a.charCodeAt(aIndex);
    while (classOf(aCode) === OTHER) {
      aSeparatorBytes += utf8Bytes(aCode);
      if (++aIndex === aEnd) break;
      aCode = a.charCodeAt(aIndex);
    }
    let bSeparatorBytes = 0;
    let bCode = b.charCodeAt(bIndex);
    while (classOf(bCode) === OTHER) {
      bSeparatorBytes += utf8Bytes(bCode);
      if (++bIndex === bEnd) break;
      bCode = b.charCodeAt(bIndex);
    }
    if (aIndex === aEnd || bIndex === bEnd) break;

    // Differing separator lengths decide on their own, before the segments are looked at.
    if (aSeparatorBytes !== bSeparatorBytes) return aSeparatorBytes < bSeparatorBytes ? -1 : 1;

    // The segment's type is the type of a's segment; when b's segment of that type is empty, a number
    // beats letters and letters lose to a number. Each pair of segments is compared in one pass.
    if (classOf(aCode) === DIGIT) {
      if (classOf(bCode) !== DIGIT) return 1;
      // Decimal strings without leading zeros: more digits is larger, else the first differing digit
      // decides. No conversion to number, so there is no precision limit.
      while (aCode === CODE_ZERO && ++aIndex < aEnd) aCode = a.charCodeAt(aIndex);
      while (bCode === CODE_ZERO && ++bIndex < bEnd) bCode = b.charCodeAt(bIndex);
      let order: VersionOrder = 0;
      for (;;) {
        const aDigit = aIndex < aEnd && classOf((aCode = a.charCodeAt(aIndex))) === DIGIT;
        const bDigit = bIndex < bEnd && classOf((bCode = b.charCodeAt(bIndex))) === DIGIT;
        if (!aDigit) {
          if (bDigit) return -1;
          break;
        }
        if (!bDigit) return 1;
        if (order === 0 && aCode !== bCode) order = aCode < bCode ? -1 : 1;
        aIndex++;
        bIndex++;
      }
      if (order !== 0) return order;
    } else {
      if (classOf(bCode) !== ALPHA) return -1;
      // strcmp: the first differing letter decides, else the shorter run is smaller.
      for (;;) {
        const aAlpha = aIndex < aEnd && classOf((aCode = a.charCodeAt(aIndex))) === ALPHA;
        const bAlpha = bIndex < bEnd && classOf((bCode = b.charCodeAt(bIndex))) === ALPHA;
        if (!aAlpha) {
          if (bAlpha) return -1;
          break;
        }
        if (!bAlpha) return 1;
        if (aCode !== bCode) return aCode < bCode ? -1 : 1;
        aIndex++;
        bIndex++;
      }
    }
  }

  const aDone = aIndex >= aEnd;
  const bDone = bIndex >= bEnd;
  if (aDone && bDone) return 0;
  // libalpm's "final showdown": a remaining letter run never beats the end of the other version.
  if (aDone ? classOf(b.charCodeAt(bIndex)) !== ALPHA : classOf(a.charCodeAt(aIndex)) === ALPHA) return -1;
  return 1;
}

/**
 * Compare two `[epoch:]pkgver[-pkgrel]` strings with pacman 6's `vercmp` semantics.
 *
 * 0 does NOT mean "the same version": `1.0_1`/`1.0.1`, `001`/`1` and `1.0`/`1.0-5` all compare equal
 * (pkgrel counts only when both sides have one). Decide "in sync" by string equality; use this only
 * to tell an upgrade from a downgrade.
 *
 * C strings end at the first NUL while JS strings do not, so an input containing `\0` has no pacman
 * meaning; validated versions (see package-rules) never contain one.
 */
export function vercmp(a: string, b: string): VersionOrder {
  const aLength = a.length;
  const bLength = b.length;
  // One pass finds the shared prefix: it answers identical strings and lets every later step skip it.
  const shorter = aLength < bLength ? aLength : bLength;
  let identicalBefore = 0;
  while (identicalBefore < shorter && a.charCodeAt(identicalBefore) === b.charCodeAt(identicalBefore)) {
    identicalBefore++;
  }
  if (identicalBefore === aLength && identicalBefore === bLength) return 0;

  let aEpochEnd = 0;
  while (aEpochEnd < aLength && classOf(a.charCodeAt(aEpochEnd)) === DIGIT) aEpochEnd++;
  const aHasEpoch = aEpochEnd < aLength && a.charCodeAt(aEpochEnd) === CODE_COLON;
  // An epoch that ends inside the shared prefix is b's epoch too, so there is nothing to compare.
  let bEpochEnd = aEpochEnd;
  let bHasEpoch = aHasEpoch;
  if (aEpochEnd >= identicalBefore) {
    bEpochEnd = 0;
    while (bEpochEnd < bLength && classOf(b.charCodeAt(bEpochEnd)) === DIGIT) bEpochEnd++;
    bHasEpoch = bEpochEnd < bLength && b.charCodeAt(bEpochEnd) === CODE_COLON;
    if (aHasEpoch || bHasEpoch) {
      // A missing or empty epoch is "0".
      const aEpoch = aHasEpoch && aEpochEnd > 0;
      const bEpoch = bHasEpoch && bEpochEnd > 0;
      const order = compareSegments(
        aEpoch ? a : IMPLICIT_EPOCH,
        0,
        aEpoch ? aEpochEnd : 1,
        bEpoch ? b : IMPLICIT_EPOCH,
        0,
        bEpoch ? bEpochEnd : 1,
        aEpoch && bEpoch ? identicalBefore : 0,
      );
      if (order !== 0) return order;
    }
  }

  // pkgrel starts after the last '-'; pkgver runs from after the epoch's ':' up to it.
  const aVersionStart = aHasEpoch ? aEpochEnd + 1 : 0;
  const bVersionStart = bHasEpoch ? bEpochEnd + 1 : 0;
  let aReleaseDash = aLength - 1;
  while (aReleaseDash >= 0 && a.charCodeAt(aReleaseDash) !== CODE_DASH) aReleaseDash--;
  let bReleaseDash = bLength - 1;
  while (bReleaseDash >= 0 && b.charCodeAt(bReleaseDash) !== CODE_DASH) bReleaseDash--;
  const aVersionEnd = aReleaseDash < 0 ? aLength : aReleaseDash;
  const bVersionEnd = bReleaseDash < 0 ? bLength : bReleaseDash;

  const order = compareSegments(
    a,
    aVersionStart,
    aVersionEnd,
    b,
    bVersionStart,
    bVersionEnd,
    identicalBefore,
  );
  if (order !== 0 || aReleaseDash < 0 || bReleaseDash < 0) return order;
  return compareSegments(a, aReleaseDash + 1, aLength, b, bReleaseDash + 1, bLength, identicalBefore);
}

import { vercmp } from './vercmp';

// [older-or-equal, newer-or-equal, expected vercmp(a, b)], each checked against pacman 6.0.2's `vercmp`.
const KNOWN_PAIRS: Array<[string, string, -1 | 0 | 1]> = [
  // plain pkgver
  ['1.5.0', '1.5.0', 0],
  ['1.5.1', '1.5.0', 1],
  ['1.5.1', '1.5', 1],
  ['1.0', '1.0.0', -1],
  ['2.0', '10.0', -1],
  ['1.10', '1.9', 1],
  // pkgrel counts only when both sides have one
  ['1.5.0-1', '1.5.0-2', -1],
  ['1.5.0-1', '1.5.1-1', -1],
  ['1.5.0-2', '1.5.1-1', -1],
  ['1.5-1', '1.5', 0],
  ['1.5', '1.5-1', 0],
  ['1.0', '1.0-5', 0],
  ['1.0-1', '1.0-1.1', -1],
  ['1.0-2', '1.0-10', -1],
  // letters: alpha < numeric, and a trailing letter run loses to the end of the string
  ['1.5b-1', '1.5-1', -1],
  ['1.0a', '1.0alpha', -1],
  ['1.0alpha', '1.0b', -1],
  ['1.0b', '1.0beta', -1],
  ['1.0beta', '1.0rc', -1],
  ['1.0rc', '1.0', -1],
  ['1.0a', '1.0', -1],
  ['1.0', '1.0.a', -1],
  ['1.0.a', '1.0.1', -1],
  ['1.0.a', '1.0.0', -1],
  ['1.0a1', '1.0a2', -1],
  ['1a', '1', -1],
  ['a', '1', -1],
  ['a', 'b', -1],
  // separators: kind does not matter, count does
  ['1.0_1', '1.0.1', 0],
  ['1.0+1', '1.0~1', 0],
  ['1.0', '1..0', -1],
  ['1', '1.', -1],
  ['1.', '1.a', 1],
  // leading zeros and numbers beyond 2^53 and 2^64
  ['001', '1', 0],
  ['1.01', '1.1', 0],
  ['1.010', '1.9', 1],
  ['9007199254740993', '9007199254740992', 1],
  ['18446744073709551616', '18446744073709551615', 1],
  ['1.99999999999999999999999', '1.100000000000000000000000', -1],
  // epochs: missing or empty means 0 and outranks everything else
  ['1:1.0', '2.0', 1],
  ['0:1.0', '1.0', 0],
  [':1.0', '1.0', 0],
  ['1:1.0-1', '1:1.0-2', -1],
  ['1:2.0', '2:1.0', -1],
  ['01:1.0', '1:1.0', 0],
  ['10:1.0', '9:5.0', 1],
  // a long shared prefix that ends inside a segment
  ['1.0.1-1', '1.0.10-1', -1],
  ['1.0a1', '1.0a10', -1],
  ['1.0a', '1.0ab', -1],
  ['1.0.9-1', '1.0.10-1', -1],
  ['1:1.0-1', '1:1.0-1.1', -1],
  ['1:2.0', '12:1.0', -1],
  ['2.0-1', '2.0-1', 0],
  // odd inputs still have an order
  ['', '1', -1],
  ['a', '', -1],
  ['', '', 0],
  ['1.0-', '1.0-1', -1],
];

describe('vercmp', () => {
  it.each(KNOWN_PAIRS)('vercmp(%j, %j) is %d', (a, b, expected) => {
    expect(vercmp(a, b)).toBe(expected);
  });

  it.each(KNOWN_PAIRS)('is antisymmetric for %j and %j', (a, b, expected) => {
    expect(vercmp(b, a)).toBe(expected === 0 ? 0 : -expected);
  });

  it('sorts a real package history into release order', () => {
    const releases = ['1:1.0-1', '2.0rc1-1', '2.0-1', '2.0-2', '2.0.1-1', '2.1alpha-1', '2.1-1', '10.0-1'];
    const shuffled = [
      releases[4],
      releases[0],
      releases[7],
      releases[2],
      releases[6],
      releases[1],
      releases[5],
      releases[3],
    ];
    const sorted = [...shuffled].sort(vercmp);
    expect(sorted).toEqual([
      '2.0rc1-1',
      '2.0-1',
      '2.0-2',
      '2.0.1-1',
      '2.1alpha-1',
      '2.1-1',
      '10.0-1',
      '1:1.0-1',
    ]);
  });

  it('weighs non-ASCII separators by their UTF-8 length, as libalpm does', () => {
    // 'é' is 2 bytes in UTF-8, so it separates like '..', not like '.'.
    expect(vercmp('1é0', '1..0')).toBe(0);
    expect(vercmp('1é0', '1.0')).toBe(1);
    // The euro sign is 3 bytes, an emoji 4.
    expect(vercmp('1€0', '1...0')).toBe(0);
    expect(vercmp('1😀0', '1....0')).toBe(0);
    // Cyrillic 'а' is not a letter to C's isalpha: it is a separator.
    expect(vercmp('1.0а', '1.0')).toBe(1);
  });
});

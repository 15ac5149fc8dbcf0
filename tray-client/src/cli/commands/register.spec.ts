import { hostNameForServer } from './register';

describe('hostNameForServer', () => {
  it('keeps valid names and repairs the rest into RFC 1123 labels', () => {
    expect(hostNameForServer('lab-pc-07.example.org')).toBe('lab-pc-07.example.org');
    expect(hostNameForServer('my_laptop')).toBe('my-laptop');
    expect(hostNameForServer('-weird name-.local')).toBe('weird-name.local');
    expect(hostNameForServer('___')).toBe('localhost');
    expect(hostNameForServer('a'.repeat(80))).toHaveLength(63);
  });
});

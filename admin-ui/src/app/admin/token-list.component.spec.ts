import { setLatestCurl } from './token-list.component';

describe('setLatestCurl', () => {
  it('is a complete command with the secret, failing on HTTP errors', () => {
    expect(setLatestCurl('https://sync.example.org', 'psk_abc')).toBe(
      [
        'curl --fail-with-body -X POST \\',
        "  -H 'Authorization: Bearer psk_abc' \\",
        '  https://sync.example.org/api/endpoints/<ENDPOINT_ID>/set-latest',
      ].join('\n'),
    );
  });
});

import { EndpointStatusService } from './endpoint-status.service';

describe('EndpointStatusService.effectiveStatus', () => {
  // effectiveStatus reads no table; the repositories are never touched here.
  const service = new EndpointStatusService(null as never, null as never, null as never, null as never);
  const now = new Date('2026-01-01T12:00:00Z');
  const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);

  it('keeps the stored status while the endpoint reports within 3 intervals', () => {
    expect(
      service.effectiveStatus({ sync_status: 'behind', last_seen: ago(899), report_interval: 300 }, now),
    ).toBe('behind');
  });

  it('is offline after 3 missed intervals, whatever was stored', () => {
    expect(
      service.effectiveStatus({ sync_status: 'in_sync', last_seen: ago(901), report_interval: 300 }, now),
    ).toBe('offline');
    expect(
      service.effectiveStatus({ sync_status: 'in_sync', last_seen: ago(31), report_interval: 10 }, now),
    ).toBe('offline');
  });

  it('is never offline for an endpoint that has not reported yet', () => {
    expect(
      service.effectiveStatus({ sync_status: 'unknown', last_seen: null, report_interval: 300 }, now),
    ).toBe('unknown');
  });
});

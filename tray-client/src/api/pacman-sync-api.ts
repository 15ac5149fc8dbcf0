import { InvalidResponseError } from './api-error';
import type {
  Endpoint,
  EndpointPlan,
  Operation,
  OperationQuery,
  Page,
  PlanKind,
  Pool,
  RegisteredEndpoint,
  RegisterRequest,
  RepositoryReportBody,
  RepositoryReportResult,
  StateCheckIn,
  StateReport,
  StateReportResult,
} from './api-types';
import { HttpClient, HttpClientOptions } from './http-client';

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The REST API as the endpoint client uses it; every path in one place. */
export class PacmanSyncApi {
  readonly http: HttpClient;

  constructor(options: HttpClientOptions | HttpClient) {
    this.http = options instanceof HttpClient ? options : new HttpClient(options);
  }

  /** Needs an admin API key or an enrollment token as the bearer token. */
  async register(request: RegisterRequest): Promise<RegisteredEndpoint> {
    const answer = await this.http.post<RegisteredEndpoint>('/endpoints', request, { idempotent: false });
    const id = answer?.endpoint?.id;
    if (typeof id !== 'string' || !UUID.test(id) || typeof answer.token !== 'string') {
      throw new InvalidResponseError('the registration answer lacks an endpoint id or a token');
    }
    if (!/^[\x21-\x7e]{1,4096}$/.test(answer.token)) {
      throw new InvalidResponseError('the endpoint token the server sent contains unusable characters');
    }
    return answer;
  }

  getEndpoint(id: string): Promise<Endpoint> {
    return this.http.get(`/endpoints/${segment(id)}`);
  }

  /** Hash-only check-in, or a full report: content-addressed, so sending it twice is harmless. */
  reportState(endpointId: string, body: StateCheckIn | StateReport): Promise<StateReportResult> {
    return this.http.post(`/endpoints/${segment(endpointId)}/state`, body, { idempotent: true });
  }

  reportRepositories(endpointId: string, body: RepositoryReportBody): Promise<RepositoryReportResult> {
    return this.http.post(`/endpoints/${segment(endpointId)}/repositories`, body, { idempotent: true });
  }

  getPlan(endpointId: string, kind: PlanKind = 'sync'): Promise<EndpointPlan> {
    return this.http.get(`/endpoints/${segment(endpointId)}/plan`, { query: { kind } });
  }

  requestSync(endpointId: string): Promise<Operation> {
    return this.http.post(`/endpoints/${segment(endpointId)}/sync`, {}, { idempotent: false });
  }

  requestRevert(endpointId: string): Promise<Operation> {
    return this.http.post(`/endpoints/${segment(endpointId)}/revert`, {}, { idempotent: false });
  }

  /** Making the same snapshot the target twice changes nothing more, so it may be retried. */
  setLatest(endpointId: string): Promise<Operation> {
    return this.http.post(`/endpoints/${segment(endpointId)}/set-latest`, {}, { idempotent: true });
  }

  listOperations(query: OperationQuery): Promise<Page<Operation>> {
    return this.http.get('/operations', { query: { ...query } });
  }

  getOperation(id: string): Promise<Operation> {
    return this.http.get(`/operations/${segment(id)}`);
  }

  /** Exactly one claimer wins; a resent claim would be answered 409, so it is not retried blindly. */
  claimOperation(id: string): Promise<Operation> {
    return this.http.post(`/operations/${segment(id)}/claim`, {}, { idempotent: false });
  }

  reportProgress(id: string, progress: { message?: string; percent?: number }): Promise<Operation> {
    return this.http.post(`/operations/${segment(id)}/progress`, progress, { idempotent: true });
  }

  completeOperation(id: string, summary: string): Promise<Operation> {
    return this.http.post(`/operations/${segment(id)}/complete`, { summary }, { idempotent: true });
  }

  failOperation(id: string, error: string, summary?: string): Promise<Operation> {
    return this.http.post(`/operations/${segment(id)}/fail`, { error, summary }, { idempotent: true });
  }

  cancelOperation(id: string): Promise<Operation> {
    return this.http.post(`/operations/${segment(id)}/cancel`, {}, { idempotent: true });
  }

  listPools(query: { limit?: number; offset?: number } = {}): Promise<Page<Pool>> {
    return this.http.get('/pools', { query });
  }

  getPool(id: string): Promise<Pool> {
    return this.http.get(`/pools/${segment(id)}`);
  }
}

/** Ids come from files and servers; one that is not a UUID must not change the request's path. */
function segment(id: string): string {
  if (!UUID.test(id)) throw new InvalidResponseError(`not an id: ${JSON.stringify(id).slice(0, 80)}`);
  return id;
}

// The simulated fleet: endpoints register, report states and repositories, and run operations through the
// same REST API the tray client uses, so the console sees exactly what a real fleet would produce.

export interface PackageSpec {
  name: string;
  version: string;
  repository?: string;
}

export interface SimulatedEndpoint {
  id: string;
  name: string;
  token: string;
}

export class FleetApi {
  constructor(
    private readonly baseUrl: string,
    private adminToken = '',
  ) {}

  async login(username: string, password: string): Promise<string> {
    const body = await this.call<{ access_token: string }>('POST', '/api/auth/login', '', {
      username,
      password,
    });
    return body.access_token;
  }

  async signInAdmin(password: string): Promise<void> {
    this.adminToken = await this.login('admin', password);
  }

  async register(name: string, poolId: string | null = null): Promise<SimulatedEndpoint> {
    const body = await this.call<{ endpoint: { id: string }; token: string }>(
      'POST',
      '/api/endpoints',
      this.adminToken,
      {
        name,
        hostname: `${name}.lab.example`,
        pool_id: poolId,
      },
    );
    return { id: body.endpoint.id, name, token: body.token };
  }

  async reportState(endpoint: SimulatedEndpoint, packages: PackageSpec[]): Promise<{ sync_status: string }> {
    return this.call('POST', `/api/endpoints/${endpoint.id}/state`, endpoint.token, {
      pacman_version: '6.0.2',
      architecture: 'x86_64',
      packages: packages.map((pkg) => ({
        package_name: pkg.name,
        version: pkg.version,
        repository: pkg.repository ?? 'core',
        installed_size: 1024,
        dependencies: [],
        install_reason: 'explicit',
      })),
    });
  }

  async reportRepositories(
    endpoint: SimulatedEndpoint,
    repositories: Record<string, PackageSpec[]>,
  ): Promise<void> {
    await this.call('POST', `/api/endpoints/${endpoint.id}/repositories`, endpoint.token, {
      repositories: Object.entries(repositories).map(([repoName, packages]) => ({
        repo_name: repoName,
        repo_url: `https://mirror.example/${repoName}/os/x86_64`,
        packages: packages.map((pkg) => ({ name: pkg.name, version: pkg.version, architecture: 'x86_64' })),
      })),
    });
  }

  async pendingOperation(
    endpoint: SimulatedEndpoint,
  ): Promise<{ id: string; operation_type: string } | null> {
    const page = await this.call<{ items: Array<{ id: string; operation_type: string }> }>(
      'GET',
      `/api/operations?endpoint_id=${endpoint.id}&status=pending`,
      endpoint.token,
    );
    return page.items[0] ?? null;
  }

  async claim(endpoint: SimulatedEndpoint, operationId: string): Promise<void> {
    await this.call('POST', `/api/operations/${operationId}/claim`, endpoint.token, undefined);
  }

  async progress(
    endpoint: SimulatedEndpoint,
    operationId: string,
    percent: number,
    message: string,
  ): Promise<void> {
    await this.call('POST', `/api/operations/${operationId}/progress`, endpoint.token, { percent, message });
  }

  async complete(endpoint: SimulatedEndpoint, operationId: string, summary: string): Promise<void> {
    await this.call('POST', `/api/operations/${operationId}/complete`, endpoint.token, { summary });
  }

  /** Makes the endpoint's state its pool's target, as the admin or with the given token; answers the status. */
  async setLatest(endpoint: SimulatedEndpoint, token = this.adminToken): Promise<number> {
    const response = await fetch(`${this.baseUrl}/api/endpoints/${endpoint.id}/set-latest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    return response.status;
  }

  /** Creates the console user unless one of that name exists already (409). */
  async ensureUser(username: string, password: string, role: 'viewer' | 'admin'): Promise<void> {
    const response = await fetch(`${this.baseUrl}/api/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username, password, role }),
    });
    if (!response.ok && response.status !== 409) {
      throw new Error(`POST /api/users answered ${response.status}: ${await response.text()}`);
    }
  }

  async call<T>(method: string, path: string, token: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  }
}

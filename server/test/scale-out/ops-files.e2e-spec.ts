import * as fs from 'node:fs';
import * as path from 'node:path';

import { parse } from 'yaml';

import { KNOWN_ENV_VARS, loadConfig } from '../../src/config/config';
import { ENTRY_COMMAND, REPO_ROOT } from './support/server-process';

const OPS = path.join(REPO_ROOT, 'ops');
const read = (...parts: string[]) => fs.readFileSync(path.join(...parts), 'utf8');
const known = new Set<string>(KNOWN_ENV_VARS);
const entry = ENTRY_COMMAND.join(' ');

/** Compose's `${NAME:-default}` takes the default; `${NAME}`/`${NAME:?message}` a value that passes validation. */
function interpolate(value: string): string {
  const samples: Record<string, string> = { JWT_SECRET_KEY: 'k'.repeat(40), ADMIN_PASSWORD: 'p'.repeat(16) };
  return value.replace(
    /\$\{(\w+)(?:(:-|:\?)([^}]*))?\}/g,
    (_match, name: string, operator?: string, rest?: string) =>
      operator === ':-' ? rest! : (samples[name] ?? 'sample'),
  );
}

interface DockerInstruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions with continuation lines joined and comments dropped. */
function dockerInstructions(text: string): DockerInstruction[] {
  const lines = text.split('\n').filter((line) => !/^\s*#/.test(line));
  return lines
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

/** `ENV A=b C="d e"` pairs. */
function envPairs(args: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const match of args.matchAll(/(\w+)=("([^"]*)"|\S*)/g)) pairs[match[1]] = match[3] ?? match[2];
  return pairs;
}

// The deployment files are configuration the server never reads at test time, so they are checked here
// against what it does read: a misspelt variable, a port or data directory that does not match, a health
// check on the wrong path, or an entry command that differs from the documented one fails this test.
describe('deployment files', () => {
  describe('ops/compose.yaml', () => {
    const compose = parse(read(OPS, 'compose.yaml'));
    const server = compose.services.server;
    const environment: Record<string, string> = Object.fromEntries(
      Object.entries(server.environment as Record<string, unknown>).map(([name, value]) => [
        name,
        String(value),
      ]),
    );

    it('runs two server replicas built from ops/Dockerfile, PostgreSQL 15 and a proxy', () => {
      expect(server.deploy.replicas).toBe(2);
      expect(server.build).toEqual({ context: '..', dockerfile: 'ops/Dockerfile' });
      expect(compose.services.db.image).toBe('postgres:15');
      expect(compose.services.proxy.image).toMatch(/^caddy:/);
      expect(server.depends_on.db.condition).toBe('service_healthy');
      expect(server.ports).toBeUndefined();
    });

    it('sets only variables the server reads, with values it accepts', () => {
      expect(Object.keys(environment).filter((name) => !known.has(name))).toEqual([]);
      const config = loadConfig(
        Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, interpolate(v)])),
      );
      expect(config.databaseType).toBe('postgresql');
      expect(new URL(config.databaseUrl!).hostname).toBe('db');
      expect(config.jwtSecretKey).not.toBeNull();
    });

    it('exposes HTTP_PORT, keeps DATA_DIR on a volume and checks health on /api/health', () => {
      const port = environment.HTTP_PORT;
      expect(server.expose.map(String)).toEqual([port]);
      expect((server.volumes as string[]).map((volume) => volume.split(':')[1])).toContain(
        environment.DATA_DIR,
      );
      const check = (server.healthcheck.test as string[]).join(' ');
      expect(check).toContain(`http://127.0.0.1:${port}/api/health`);
      expect(check).not.toMatch(/curl|wget/);
    });

    it('trusts X-Forwarded-For from the proxy alone, which is the only way in', () => {
      const proxyAddress = compose.services.proxy.networks.frontend.ipv4_address;
      expect(environment.TRUST_PROXY).toBe(proxyAddress);
      expect(compose.networks.frontend.ipam.config[0].subnet).toBe('172.28.0.0/24');
      expect(compose.networks.backend.internal).toBe(true);
      expect(compose.services.db.networks).toEqual(['backend']);
    });

    it('the Caddyfile terminates TLS and balances over every replica on HTTP_PORT with the health path', () => {
      const caddyfile = read(OPS, 'Caddyfile');
      expect(caddyfile).toMatch(/^\s*tls internal$/m);
      expect(caddyfile).toMatch(new RegExp(`dynamic a server ${environment.HTTP_PORT}\\b`));
      expect(caddyfile).toMatch(/health_uri \/api\/health$/m);
      const mounted = (compose.services.proxy.volumes as string[]).find((volume) =>
        volume.startsWith('./Caddyfile:'),
      );
      expect(mounted).toBe('./Caddyfile:/etc/caddy/Caddyfile:ro');
    });
  });

  describe('ops/Dockerfile', () => {
    const instructions = dockerInstructions(read(OPS, 'Dockerfile'));
    const runtime = instructions.slice(instructions.map((i) => i.keyword).lastIndexOf('FROM'));
    const env = Object.assign({}, ...runtime.filter((i) => i.keyword === 'ENV').map((i) => envPairs(i.args)));

    it('sets only variables the server reads; SQLite by default in DATA_DIR on a volume, HTTP_PORT exposed', () => {
      expect(Object.keys(env).filter((name) => !known.has(name))).toEqual([]);
      const config = loadConfig(env);
      expect(config.databaseType).toBe('internal');
      expect(config.dataDir).toBe('/var/lib/pacman-sync');
      const volume = runtime.find((i) => i.keyword === 'VOLUME')!;
      expect(JSON.parse(volume.args)).toEqual([env.DATA_DIR]);
      expect(runtime.find((i) => i.keyword === 'EXPOSE')!.args).toBe(String(config.httpPort));
    });

    it('runs as a non-root user, checks /api/health without curl, and starts with the documented command', () => {
      const user = runtime.filter((i) => i.keyword === 'USER').pop()!.args;
      expect(user).not.toMatch(/^(root|0)(:|$)/);
      const healthcheck = runtime.find((i) => i.keyword === 'HEALTHCHECK')!.args;
      expect(healthcheck).toContain("(process.env.HTTP_PORT || 8080) + '/api/health'");
      expect(healthcheck).not.toMatch(/curl|wget/);
      const cmd = JSON.parse(runtime.find((i) => i.keyword === 'CMD')!.args) as string[];
      expect(cmd).toEqual([...ENTRY_COMMAND]);
      expect(runtime.find((i) => i.keyword === 'WORKDIR')!.args).toBe('/app');
    });

    it('builds shared, server and the console, and installs production dependencies only', () => {
      const runs = instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
      expect(runs).toContain('npx nx run-many -t build -p shared server admin-ui --outputStyle=static');
      expect(runs).toContain('npm ci --omit=dev -w server -w shared');
      expect(fs.existsSync(path.join(OPS, 'Dockerfile.dockerignore'))).toBe(true);
      expect(read(OPS, 'Dockerfile.dockerignore')).toMatch(/^\*\*\/node_modules$/m);
    });
  });

  it('the README, `npm start`, the container and the systemd unit run the same command', () => {
    expect(read(REPO_ROOT, 'server', 'README.md')).toContain(entry);
    const rootStart = JSON.parse(read(REPO_ROOT, 'package.json')).scripts.start as string;
    expect(rootStart.split('&&').pop()!.trim()).toBe(entry);
    const unit = read(OPS, 'systemd', 'pacman-sync-server.service');
    expect(unit).toMatch(new RegExp(`^ExecStart=/usr/bin/${entry}$`, 'm'));
    expect(unit).toMatch(/^WorkingDirectory=\/opt\/pacman-sync$/m);
  });

  it('the systemd unit is hardened and its data directory is its StateDirectory', () => {
    const unit = read(OPS, 'systemd', 'pacman-sync-server.service');
    const setting = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(unit)?.[1];
    for (const [name, value] of Object.entries({
      DynamicUser: 'yes',
      NoNewPrivileges: 'yes',
      ProtectSystem: 'strict',
      ProtectHome: 'yes',
      PrivateTmp: 'yes',
      CapabilityBoundingSet: '',
    })) {
      expect({ name, value: setting(name) }).toEqual({ name, value });
    }
    expect(setting('Environment')).toBe(`DATA_DIR=/var/lib/${setting('StateDirectory')}`);
  });

  it('the environment example names only variables the server reads, with values it accepts', () => {
    const lines = read(OPS, 'pacman-sync-server.env.example').split('\n');
    const assignments = lines
      .map((line) => /^#?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line))
      .filter((match): match is RegExpExecArray => match !== null);
    expect(assignments.length).toBeGreaterThan(8);
    expect(assignments.map((match) => match[1]).filter((name) => !known.has(name))).toEqual([]);
    const active = Object.fromEntries(
      lines
        .map((line) => /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line))
        .filter((match): match is RegExpExecArray => match !== null)
        .map((match) => [match[1], match[2]]),
    );
    expect(() => loadConfig(active)).not.toThrow();
  });
});

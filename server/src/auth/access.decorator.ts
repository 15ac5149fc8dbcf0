import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';

import { ApiErrors } from '../common/api-errors.decorator';
import { ErrorCode } from '../common/errors/error-code';

export const ACCESS_RULE = 'pacman-sync:access-rule';

/** Roles that act on the whole fleet. `admin` may always do everything, so it need not be listed. */
export type FleetRole = 'viewer' | 'ci' | 'admin';

/**
 * Which endpoint a request acts on, so an endpoint token may only act on its own:
 * - `param`/`endpoint`: the path parameter is the endpoint id (`/endpoints/{id}/state`);
 * - `param`/`operation`: the path parameter is an operation id, whose endpoint is looked up;
 * - `query`/`endpoint`: a query parameter names the endpoint (`/operations?endpoint_id=`), and is required;
 * - `param`/`pool`: the path parameter is a pool id, which must be the endpoint's own pool (`/pools/{id}`).
 */
export interface EndpointScope {
  readonly source: 'param' | 'query';
  readonly name: string;
  readonly resolve: 'endpoint' | 'operation' | 'pool';
}

/** The one access declaration of a route, read by AuthorizationGuard and shown in OpenAPI. */
export interface AccessRule {
  readonly public: boolean;
  /** Any verified principal, endpoints included (e.g. GET /auth/me). */
  readonly anyPrincipal: boolean;
  readonly roles: readonly FleetRole[];
  /** API tokens created with `can_enroll` may call it whatever their role (endpoint registration). */
  readonly enroll: boolean;
  readonly endpoint: EndpointScope | null;
}

/** Marks a grant for endpoint tokens acting on their own endpoint; see {@link EndpointScope}. */
export function EndpointSelf(param = 'id'): EndpointScope {
  return { source: 'param', name: param, resolve: 'endpoint' };
}
EndpointSelf.ofOperation = (param = 'id'): EndpointScope => ({
  source: 'param',
  name: param,
  resolve: 'operation',
});
EndpointSelf.inQuery = (name = 'endpoint_id'): EndpointScope => ({
  source: 'query',
  name,
  resolve: 'endpoint',
});
EndpointSelf.ofPool = (param = 'id'): EndpointScope => ({ source: 'param', name: param, resolve: 'pool' });

/** Grant for API tokens with `can_enroll`. */
export const ENROLL = 'enroll' as const;

export type Grant = FleetRole | typeof ENROLL | EndpointScope;

/** The role list as OpenAPI's `x-roles` shows it: admin always, `endpoint` when endpoints are let in. */
export function rolesOf(rule: AccessRule): string[] {
  if (rule.public) return ['public'];
  if (rule.anyPrincipal) return ['viewer', 'ci', 'admin', 'endpoint'];
  const roles = new Set<string>([...rule.roles, 'admin']);
  if (rule.enroll) roles.add(ENROLL);
  if (rule.endpoint) roles.add('endpoint');
  return ['viewer', 'ci', 'admin', ENROLL, 'endpoint'].filter((role) => roles.has(role));
}

function declare(rule: AccessRule): MethodDecorator & ClassDecorator {
  const decorators = [SetMetadata(ACCESS_RULE, rule), ApiExtension('x-roles', rolesOf(rule))];
  if (!rule.public) {
    decorators.push(ApiBearerAuth(), ApiErrors(ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN));
  }
  if (rule.endpoint) decorators.push(ApiExtension('x-endpoint-scope', { ...rule.endpoint }));
  return applyDecorators(...decorators) as MethodDecorator & ClassDecorator;
}

/** No token needed (login, health). Any token sent is ignored. */
export function Public(): MethodDecorator & ClassDecorator {
  return declare({ public: true, anyPrincipal: false, roles: [], enroll: false, endpoint: null });
}

/** Every verified principal, endpoint tokens included. */
export function AnyPrincipal(): MethodDecorator & ClassDecorator {
  return declare({ public: false, anyPrincipal: true, roles: [], enroll: false, endpoint: null });
}

/**
 * Who may call the route, e.g. `@Roles('viewer', 'ci')`, `@Roles('admin')`,
 * `@Roles('ci', EndpointSelf('id'))`, `@Roles('admin', ENROLL)`. Admin is always allowed.
 * A route without any declaration is refused with 403 (AuthorizationGuard fails closed).
 */
export function Roles(...grants: Grant[]): MethodDecorator & ClassDecorator {
  const endpoints = grants.filter((grant): grant is EndpointScope => typeof grant === 'object');
  if (endpoints.length > 1) throw new Error('Roles(): at most one EndpointSelf grant per route');
  return declare({
    public: false,
    anyPrincipal: false,
    roles: grants.filter(
      (grant): grant is FleetRole => grant === 'viewer' || grant === 'ci' || grant === 'admin',
    ),
    enroll: grants.includes(ENROLL),
    endpoint: endpoints[0] ?? null,
  });
}

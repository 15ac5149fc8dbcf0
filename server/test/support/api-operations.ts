import type { OpenAPIObject } from '@nestjs/swagger';

import { buildOpenApiDocument } from '../../src/openapi/openapi';
import type { TestApp } from './test-app';

export interface EndpointScopeExtension {
  source: 'param' | 'query';
  name: string;
  resolve: 'endpoint' | 'operation';
}

/** One operation of the OpenAPI document built in-process from the running app (as the spec script does). */
export interface ApiOperation {
  method: 'get' | 'post' | 'put' | 'delete' | 'patch';
  /** OpenAPI template, e.g. /api/endpoints/{id}/state */
  path: string;
  operationId: string;
  roles: string[] | undefined;
  endpointScope: EndpointScopeExtension | null;
  pathParams: string[];
  queryParams: Array<{ name: string; schema: Record<string, unknown>; required: boolean }>;
  bodySchema: Record<string, unknown> | null;
  document: OpenAPIObject;
}

const METHODS = ['get', 'post', 'put', 'delete', 'patch'] as const;

export function listApiOperations(t: TestApp): ApiOperation[] {
  const document = buildOpenApiDocument(t.app);
  const operations: ApiOperation[] = [];
  for (const [path, item] of Object.entries(document.paths).sort(([a], [b]) => a.localeCompare(b))) {
    for (const method of METHODS) {
      const operation = (item as Record<string, unknown>)[method] as Record<string, unknown> | undefined;
      if (!operation) continue;
      const parameters = (operation.parameters ?? []) as Array<{
        name: string;
        in: string;
        required?: boolean;
        schema?: Record<string, unknown>;
      }>;
      const content = (
        operation.requestBody as { content?: Record<string, { schema?: Record<string, unknown> }> }
      )?.content;
      operations.push({
        method,
        path,
        operationId: operation.operationId as string,
        roles: operation['x-roles'] as string[] | undefined,
        endpointScope: (operation['x-endpoint-scope'] as EndpointScopeExtension | undefined) ?? null,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: parameters
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, schema: p.schema ?? {}, required: p.required === true })),
        bodySchema: content?.['application/json']?.schema ?? null,
        document,
      });
    }
  }
  return operations;
}

/** Resolves `$ref`s against the document's components. */
export function resolveSchema(
  document: OpenAPIObject,
  schema: Record<string, unknown>,
): Record<string, unknown> {
  let current = schema;
  for (let depth = 0; typeof current.$ref === 'string' && depth < 20; depth++) {
    const name = (current.$ref as string).replace('#/components/schemas/', '');
    current = (document.components?.schemas?.[name] ?? {}) as Record<string, unknown>;
  }
  if (Array.isArray(current.allOf) && current.allOf.length === 1) {
    return resolveSchema(document, current.allOf[0] as Record<string, unknown>);
  }
  return current;
}

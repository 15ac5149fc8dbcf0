import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

import { ErrorResponseDto } from '../common/errors/error-response.dto';

/**
 * Builds the OpenAPI document from the running app's decorators. Every DTO property carries an
 * explicit @ApiProperty: we do NOT use the @nestjs/swagger CLI plugin, because the tests compile with
 * @swc/jest, which cannot run that TypeScript transformer; explicit decorators give the same document
 * under tsc, swc and Jest.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('pacman-sync')
    .setDescription(
      'Keeps fleets of Arch Linux machines on the same package set. Errors always have the shape ' +
        '{"error": {code, message, details, timestamp}} (schema ErrorResponseDto).',
    )
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  return SwaggerModule.createDocument(app, config, {
    // Method names are unique across controllers (createPool, reportState, …) and read well in clients.
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
    extraModels: [ErrorResponseDto],
  });
}

/** Sorts object keys recursively (arrays keep their order) so the committed file is deterministic. */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((key) => [key, sortKeysDeep((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

export function serializeOpenApiDocument(document: OpenAPIObject): string {
  return `${JSON.stringify(sortKeysDeep(document), null, 2)}\n`;
}

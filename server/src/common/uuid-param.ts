import { Param, ParseUUIDPipe } from '@nestjs/common';

import { ApiException } from './errors/api.exception';

/**
 * A path parameter that must be a UUID; anything else is 400 VALIDATION_ERROR naming the parameter. It is
 * lower-cased, as @IsUuid() does for bodies and queries, so both engines find the same row.
 */
export function UuidParam(name = 'id'): ParameterDecorator {
  return Param(
    name,
    new ParseUUIDPipe({
      exceptionFactory: () =>
        ApiException.validation(`Invalid request: ${name} must be a UUID`, [
          { field: name, messages: [`${name} must be a UUID`] },
        ]),
    }),
    { transform: (value: string) => value.toLowerCase() },
  );
}

import { ValidationError, ValidationPipe } from '@nestjs/common';

import { ApiException, FieldError } from './errors/api.exception';

/** Flattens class-validator's tree into one entry per field, with paths like `packages.3.version`. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const fields: FieldError[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints) fields.push({ field, messages: Object.values(error.constraints) });
    if (error.children?.length) fields.push(...flattenValidationErrors(error.children, field));
  }
  return fields;
}

/** The one ValidationPipe: unknown fields are rejected, bodies become DTO instances. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const fields = flattenValidationErrors(errors);
      const shown = fields.slice(0, 100);
      const message =
        fields.length === 1
          ? `Invalid request: ${fields[0].field}: ${fields[0].messages[0]}`
          : `Invalid request: ${fields.length} fields failed validation`;
      const exception = ApiException.validation(message, shown);
      if (fields.length > shown.length) (exception.details as Record<string, unknown>).truncated = true;
      return exception;
    },
  });
}

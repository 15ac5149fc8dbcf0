import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { validateSync, type ValidatorOptions } from 'class-validator';

import { ApiException, FieldError } from './errors/api.exception';
import { LARGE_LIST_ITEMS, yieldToEventLoop } from './event-loop';

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

const MAX_FIELDS_SHOWN = 100;

/** The one VALIDATION_ERROR for a list of failing fields: at most 100 shown, and it says when it cut. */
export function validationException(fields: FieldError[]): ApiException {
  const shown = fields.slice(0, MAX_FIELDS_SHOWN);
  const message =
    fields.length === 1
      ? `Invalid request: ${fields[0].field}: ${fields[0].messages[0]}`
      : `Invalid request: ${fields.length} fields failed validation`;
  const exception = ApiException.validation(message, shown);
  if (fields.length > shown.length) (exception.details as Record<string, unknown>).truncated = true;
  return exception;
}

/**
 * Checks every element of an array field in one pass and names each failing field by its path
 * (`packages.12.version`), as class-validator would. Gets the whole array and the field's name.
 */
export type BulkListValidator = (items: readonly unknown[], field: string) => FieldError[];

const BULK_LISTS = Symbol('bulkLists');

/**
 * For an array field of thousands of objects (a state report's packages): the ValidationPipe hands the
 * array to `validate` instead of building one DTO instance per element and running its decorators, which
 * cost a third of a 1,500-package report. The field keeps its @ApiProperty (the OpenAPI schema of the
 * elements) and its class-validator decorators for the field itself (presence, IsArray); `validate` must
 * enforce everything the element DTO declares, including refusing unknown properties.
 */
export function BulkValidatedList(validate: BulkListValidator): PropertyDecorator {
  return (target, property) => {
    const lists = (Reflect.getOwnMetadata(BULK_LISTS, target.constructor) ?? []) as BulkList[];
    Reflect.defineMetadata(
      BULK_LISTS,
      [...lists, { property: String(property), validate }],
      target.constructor,
    );
  };
}

interface BulkList {
  property: string;
  validate: BulkListValidator;
}

/**
 * Nest's ValidationPipe (unknown fields are rejected, bodies become DTO instances) plus the fields marked
 * @BulkValidatedList: their arrays are set aside while class-validator sees an empty array in their place,
 * checked by their own validator, and put back. Both kinds of failure end in the one error.
 */
class ApiValidationPipe extends ValidationPipe {
  /**
   * validateSync: every rule of every DTO here is synchronous, and class-validator's promise-based
   * validate() cost a third of the pipe's time on one-field bodies. An async rule added later would be
   * reported by validateSync as a failure of that rule, not silently skipped.
   */
  protected override validate(object: object, options?: ValidatorOptions): ValidationError[] {
    return validateSync(object, options);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const lists = metadata.metatype
      ? ((Reflect.getMetadata(BULK_LISTS, metadata.metatype) ?? []) as BulkList[])
      : [];
    if (lists.length === 0 || typeof value !== 'object' || value === null || Array.isArray(value)) {
      return super.transform(value, metadata);
    }
    const body = { ...(value as Record<string, unknown>) };
    const setAside = new Map<string, unknown[]>();
    const listErrors: FieldError[] = [];
    for (const { property, validate } of lists) {
      const items = body[property];
      if (!Array.isArray(items)) continue; // class-validator reports a missing or non-array field
      setAside.set(property, items);
      body[property] = [];
      if (items.length >= LARGE_LIST_ITEMS) await yieldToEventLoop();
      listErrors.push(...validate(items, property));
      if (items.length >= LARGE_LIST_ITEMS) await yieldToEventLoop();
    }
    let instance: Record<string, unknown>;
    try {
      instance = (await super.transform(body, metadata)) as Record<string, unknown>;
    } catch (error) {
      if (listErrors.length === 0 || !(error instanceof ApiException)) throw error;
      const fields = ((error.details as { fields?: FieldError[] }).fields ?? []) as FieldError[];
      throw validationException([...fields, ...listErrors]);
    }
    if (listErrors.length > 0) throw validationException(listErrors);
    for (const [property, items] of setAside) instance[property] = items;
    return instance;
  }
}

/** The one ValidationPipe: unknown fields are rejected, bodies become DTO instances. */
export function createValidationPipe(): ValidationPipe {
  return new ApiValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => validationException(flattenValidationErrors(errors)),
  });
}

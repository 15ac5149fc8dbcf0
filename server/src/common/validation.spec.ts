import { ValidationError } from 'class-validator';

import { ApiException } from './errors/api.exception';
import { createValidationPipe, flattenValidationErrors } from './validation';

function error(
  property: string,
  constraints?: Record<string, string>,
  children: ValidationError[] = [],
): ValidationError {
  return Object.assign(new ValidationError(), { property, constraints, children });
}

describe('flattenValidationErrors', () => {
  it('gives one entry per failing field with its full path', () => {
    const tree = [
      error('name', { isNotEmpty: 'name should not be empty' }),
      error('packages', undefined, [
        error('3', undefined, [
          error('version', { matches: 'bad version' }),
          error('package_name', { a: 'x', b: 'y' }),
        ]),
      ]),
    ];
    expect(flattenValidationErrors(tree)).toEqual([
      { field: 'name', messages: ['name should not be empty'] },
      { field: 'packages.3.version', messages: ['bad version'] },
      { field: 'packages.3.package_name', messages: ['x', 'y'] },
    ]);
  });
});

describe('createValidationPipe', () => {
  it('throws VALIDATION_ERROR with at most 100 fields and says when it cut the list', () => {
    const pipe = createValidationPipe();
    const factory = (pipe as unknown as { exceptionFactory: (errors: ValidationError[]) => ApiException })
      .exceptionFactory;
    const many = Array.from({ length: 150 }, (_, i) => error(`f${i}`, { bad: `f${i} is bad` }));
    const thrown = factory(many);
    expect(thrown).toBeInstanceOf(ApiException);
    expect(thrown.status).toBe(400);
    expect(thrown.message).toBe('Invalid request: 150 fields failed validation');
    expect((thrown.details!.fields as unknown[]).length).toBe(100);
    expect(thrown.details!.truncated).toBe(true);
    expect(factory([error('x', { bad: 'x is bad' })]).message).toBe('Invalid request: x: x is bad');
  });
});

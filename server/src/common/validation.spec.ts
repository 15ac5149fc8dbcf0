import { IsArray, IsString, ValidationError } from 'class-validator';

import { ApiException } from './errors/api.exception';
import { BulkValidatedList, createValidationPipe, flattenValidationErrors } from './validation';

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

class ListBodyDto {
  @IsString()
  name!: string;

  @IsArray()
  @BulkValidatedList((items, field) =>
    items.flatMap((item, index) =>
      typeof item === 'number' ? [] : [{ field: `${field}.${index}`, messages: ['must be a number'] }],
    ),
  )
  items!: number[];
}

describe('the ValidationPipe with a @BulkValidatedList field', () => {
  const pipe = createValidationPipe();
  const metadata = { type: 'body' as const, metatype: ListBodyDto };

  async function rejection(body: unknown): Promise<ApiException> {
    const thrown = await pipe.transform(body, metadata).catch((caught: unknown) => caught);
    expect(thrown).toBeInstanceOf(ApiException);
    return thrown as ApiException;
  }

  it('gives back a DTO instance holding the very array it was sent', async () => {
    const items = [1, 2, 3];
    const result = (await pipe.transform({ name: 'a', items }, metadata)) as ListBodyDto;
    expect(result).toBeInstanceOf(ListBodyDto);
    expect(result.items).toBe(items);
  });

  it('reports class-validator failures and then the list validator ones in one error', async () => {
    const error = await rejection({ name: 7, items: [1, 'x', null], extra: true });
    expect(error.details!.fields).toEqual([
      { field: 'extra', messages: ['property extra should not exist'] },
      { field: 'name', messages: ['name must be a string'] },
      { field: 'items.1', messages: ['must be a number'] },
      { field: 'items.2', messages: ['must be a number'] },
    ]);
    const onlyList = await rejection({ name: 'a', items: ['x'] });
    expect(onlyList.message).toBe('Invalid request: items.0: must be a number');
  });

  it('leaves a field that is not an array to class-validator', async () => {
    const error = await rejection({ name: 'a', items: 'nope' });
    expect(error.details!.fields).toEqual([{ field: 'items', messages: ['items must be an array'] }]);
  });
});

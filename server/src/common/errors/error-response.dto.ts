import { ApiProperty } from '@nestjs/swagger';

import { ErrorCode } from './error-code';

export class ErrorDetailDto {
  @ApiProperty({ enum: ErrorCode, enumName: 'ErrorCode', example: ErrorCode.SYNC_CONFLICT })
  code!: ErrorCode;

  @ApiProperty({ example: 'Cannot sync: package conflicts detected' })
  message!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      'Machine-readable context. VALIDATION_ERROR: {fields: [{field, messages[]}]}; SYNC_CONFLICT: the ' +
      'conflicting packages or the operation already running; 500: {request_id}.',
  })
  details!: Record<string, unknown> | null;

  @ApiProperty({ format: 'date-time', example: '2025-01-15T10:30:00.000Z' })
  timestamp!: string;
}

/** The one error body of the API (seed design "Error Response Format"). */
export class ErrorResponseDto {
  @ApiProperty({ type: () => ErrorDetailDto })
  error!: ErrorDetailDto;
}

import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray } from 'class-validator';

import { EndpointDto } from './endpoint.dto';
import { IsUuid } from '../../common/validators';

export const MAX_ENDPOINTS_PER_ASSIGNMENT = 1000;

export class AssignEndpointsDto {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    minItems: 1,
    maxItems: MAX_ENDPOINTS_PER_ASSIGNMENT,
    uniqueItems: true,
    description: 'The endpoints to move into the pool; all of them or none move',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ENDPOINTS_PER_ASSIGNMENT)
  @ArrayUnique()
  @IsUuid({ each: true })
  endpoint_ids!: string[];
}

export class AssignedEndpointsDto {
  @ApiProperty({ format: 'uuid' })
  pool_id!: string;

  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'The endpoints that changed pool (those already in it are not listed)',
  })
  moved_ids!: string[];

  @ApiProperty({
    type: () => [EndpointDto],
    description: 'Every requested endpoint as it is now, in request order, statuses recomputed',
  })
  endpoints!: EndpointDto[];
}

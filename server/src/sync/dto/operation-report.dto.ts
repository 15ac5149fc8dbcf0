import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class OperationProgressDto {
  @ApiPropertyOptional({ maxLength: 2000, example: 'downloading 12/40 packages' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  message?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 100 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  percent?: number;
}

export class OperationCompleteDto {
  @ApiPropertyOptional({ maxLength: 65536, description: 'pacman’s output, summarised by the client' })
  @IsOptional()
  @IsString()
  @MaxLength(65536)
  summary?: string;
}

export class OperationFailDto {
  @ApiProperty({ maxLength: 4000, example: 'pacman exited with status 1: conflicting files' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(4000)
  error!: string;

  @ApiPropertyOptional({ maxLength: 65536 })
  @IsOptional()
  @IsString()
  @MaxLength(65536)
  summary?: string;
}

import { Body, Controller, Delete, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';

import { Roles } from '../auth/access.decorator';
import { ApiErrors } from '../common/api-errors.decorator';
import { ErrorCode } from '../common/errors/error-code';
import { PaginationQueryDto } from '../common/pagination.dto';
import { UuidParam } from '../common/uuid-param';
import { CreateUserDto, UpdateUserDto, UserDto, UserPageDto } from './dto/user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'List console users' })
  @ApiOkResponse({ type: UserPageDto })
  @ApiErrors()
  listUsers(@Query() page: PaginationQueryDto): Promise<UserPageDto> {
    return this.users.list(page);
  }

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Create a console user (viewer or admin)' })
  @ApiCreatedResponse({ type: UserDto })
  @ApiErrors(ErrorCode.CONFLICT)
  createUser(@Body() body: CreateUserDto): Promise<UserDto> {
    return this.users.create(body);
  }

  @Put(':id')
  @Roles('admin')
  @ApiOperation({
    summary: 'Change a user’s password, role or disabled flag',
    description:
      'Disabling ends the user’s sessions. The last enabled admin cannot be disabled or demoted (409).',
  })
  @ApiOkResponse({ type: UserDto })
  @ApiErrors(ErrorCode.NOT_FOUND, ErrorCode.CONFLICT)
  updateUser(@UuidParam() id: string, @Body() body: UpdateUserDto): Promise<UserDto> {
    return this.users.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('admin')
  @ApiOperation({ summary: 'Delete a user (not the last enabled admin: 409)' })
  @ApiNoContentResponse()
  @ApiErrors(ErrorCode.NOT_FOUND, ErrorCode.CONFLICT)
  async deleteUser(@UuidParam() id: string): Promise<void> {
    await this.users.remove(id);
  }
}

import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { ApiErrors } from '../common/api-errors.decorator';
import { ErrorCode } from '../common/errors/error-code';
import { AnyPrincipal, Public } from './access.decorator';
import { AuthService, LoginLockedException } from './auth.service';
import { LoginDto, LoginResultDto, MeDto } from './dto/login.dto';
import { clientAddress, getRequestAuth } from './request-auth';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @HttpCode(200)
  @Public()
  @ApiOperation({
    summary: 'Log in a console user: a session token (JWT) for Authorization: Bearer',
    description:
      'Wrong credentials: 401. After 5 failures for one username from one address (or 20 from one address ' +
      'for any usernames) that pair (that address) is locked for 15 minutes, doubling with each further ' +
      'lock; after 10 failures for one username from any addresses, attempts from addresses it never ' +
      'logged in from are spaced out (1 s doubling to 60 s). While the server checks as many passwords as ' +
      'it can, further logins are refused at once. All of these: 429 RATE_LIMITED with Retry-After.',
  })
  @ApiOkResponse({ type: LoginResultDto })
  @ApiErrors(ErrorCode.UNAUTHENTICATED)
  async login(
    @Body() body: LoginDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LoginResultDto> {
    try {
      return await this.auth.login(body.username, body.password, clientAddress(request));
    } catch (error) {
      if (error instanceof LoginLockedException) reply.header('retry-after', String(error.retryAfterSeconds));
      throw error;
    }
  }

  @Get('me')
  @AnyPrincipal()
  @ApiOperation({ summary: 'Who the bearer token belongs to, and its role' })
  @ApiOkResponse({ type: MeDto })
  @ApiErrors()
  me(@Req() request: FastifyRequest): MeDto {
    const principal = getRequestAuth(request).principal!;
    return {
      kind: principal.kind,
      role: principal.role,
      id: principal.id,
      name: principal.name,
      can_enroll: principal.kind === 'api_token' ? principal.canEnroll : false,
      enroll_pool_id: principal.kind === 'api_token' ? principal.enrollPoolId : null,
      pool_id: principal.kind === 'endpoint' ? principal.poolId : null,
    };
  }
}

import { createParamDecorator, ExecutionContext } from '@nestjs/common';

import { Principal } from './principal';
import { getRequestAuth } from './request-auth';

/** The verified caller of a non-public route (AuthorizationGuard has already refused anonymous calls). */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = getRequestAuth(context.switchToHttp().getRequest<object>()).principal;
    if (!principal) throw new Error('CurrentPrincipal used on a route without an authenticated caller');
    return principal;
  },
);

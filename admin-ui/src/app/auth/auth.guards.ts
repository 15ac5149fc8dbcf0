import { inject } from '@angular/core';
import { CanActivateFn, Router } from '@angular/router';

import { SessionStore } from './session.store';

export const signedInGuard: CanActivateFn = (_route, state) => {
  if (inject(SessionStore).signedIn()) return true;
  return inject(Router).createUrlTree(['/login'], { queryParams: { returnUrl: state.url } });
};

/** Token and user management and the audit log are admin-only on the server too; this only avoids a 403 page. */
export const adminGuard: CanActivateFn = () =>
  inject(SessionStore).canMutate() || inject(Router).createUrlTree(['/dashboard']);

import { InitialSchema1764536400000 } from './1764536400000-initial-schema';
import { AuthAndAudit1764540000000 } from './1764540000000-auth-and-audit';
import { SnapshotHashById1764900000000 } from './1764900000000-snapshot-hash-by-id';
import { LoginThrottleAndEnrolmentPools1765200000000 } from './1765200000000-login-throttle-and-enrolment-pools';
import { PacmanHolds1765400000000 } from './1765400000000-pacman-holds';

/** Every migration, in order. Listed explicitly so the compiled server and the Jest runs load the same set. */
export const MIGRATIONS = [
  InitialSchema1764536400000,
  AuthAndAudit1764540000000,
  SnapshotHashById1764900000000,
  LoginThrottleAndEnrolmentPools1765200000000,
  PacmanHolds1765400000000,
];

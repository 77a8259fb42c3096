import { TufVerifyError } from './reasons.ts';

/** The part of a models `Signed` this needs (the class itself is not exported). */
export interface Expiring {
  version: number;
  expires: string;
  isExpired(at?: Date): boolean;
}

/** Throws EXPIRED when `signed` has expired at `at` (at ≥ expires counts as expired, as in tuf-js). */
export function checkNotExpired(signed: Expiring, label: string, role: string, at: Date): void {
  if (signed.isExpired(at)) throw new TufVerifyError('EXPIRED', `${label} v${signed.version} expired at ${signed.expires}`, role);
}

/** The audit record of what the reconciler itself decides: the upgrades maintenance starts. */
import { randomUUID } from 'node:crypto';
import type { Advance } from '../domain/lifecycle.js';
import type { PartnerApp } from '../domain/partnerApp.js';
import type { DueOutcome } from '../store/store.js';

/** Who the audit log names for the upgrades maintenance starts, as it names `admin` for the admin API. */
const MAINTENANCE_PRINCIPAL = 'maintenance';

/** An upgrade maintenance starts is audited as an UpdatePartnerApp is (the audit log keeps wall time). */
export function audited(next: Advance, app: PartnerApp): DueOutcome {
  if (next.kind !== 'save' || !next.upgrade) return next;
  const audit = { time: Date.now(), accountId: app.accountId, principal: MAINTENANCE_PRINCIPAL, operation: next.upgrade.reason, target: app.arn, requestId: randomUUID(), outcome: 'success' };
  return { ...next, audit };
}

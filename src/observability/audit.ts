/**
 * Writes the audit records that are not stored with a change of an app: those of API calls that
 * changed nothing (refused ones, a ClientToken's answer replayed) and of the admin API's changes.
 * An API call that changes an app stores its record in the same transaction (operations/context.ts,
 * CallAudit). Records of requests that finish together are appended in one store transaction (one
 * disk flush for the group), and each request is answered only after its record is stored.
 */
import type { AuditRecord, Store } from '../store/store.js';
import type { Logger } from '../logger.js';
import type { Metrics } from './metrics.js';

export const AUDITED_OPERATIONS: ReadonlySet<string> = new Set([
  'CreatePartnerApp',
  'UpdatePartnerApp',
  'DeletePartnerApp',
  'AddTags',
  'DeleteTags',
  // The Cloud Control API's writes.
  'CreateResource',
  'UpdateResource',
  'DeleteResource',
  'CancelResourceRequest',
]);

export const AUDIT_SUCCESS = 'success';

export class AuditLog {
  private batch: AuditRecord[] | undefined;
  private batchStored: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  /**
   * Resolves once the record is stored. It never rejects: a record that cannot be stored is logged
   * in full at error level and counted in partnerplane_audit_write_failures_total instead.
   */
  append(record: AuditRecord): Promise<void> {
    if (!this.batch) {
      const batch: AuditRecord[] = [];
      this.batch = batch;
      // Wait for the requests finishing in this turn of the event loop to join the batch.
      this.batchStored = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.batch = undefined;
        return this.write(batch);
      });
    }
    this.batch.push(record);
    return this.batchStored!;
  }

  private async write(batch: AuditRecord[]): Promise<void> {
    try {
      await this.store.appendAudit(batch);
    } catch (error) {
      this.metrics.auditWriteFailed(batch.length);
      for (const record of batch) this.logger.error({ err: error, audit: record }, 'audit record could not be stored');
    }
  }
}

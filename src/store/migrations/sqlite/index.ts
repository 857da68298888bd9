/** SQLite schema, applied in version order at start. Never edit a released migration: add the next number. */
import type { Migration } from '../migration.js';
import { migration as initial } from './001_initial.js';
import { migration as operations } from './002_operations.js';
import { migration as auditRetention } from './003_audit_retention.js';
import { migration as resourceRequests } from './004_resource_requests.js';
import { migration as maintenance } from './005_maintenance.js';
import { migration as backends } from './006_backends.js';
import { migration as catalogReleases } from './007_catalog_releases.js';
import { migration as idempotencyByKeyHash } from './008_idempotency_by_key_hash.js';
import { migration as statusChangesOffIndexes } from './009_status_changes_off_indexes.js';

export const sqliteMigrations: readonly Migration[] = [initial, operations, auditRetention, resourceRequests, maintenance, backends, catalogReleases, idempotencyByKeyHash, statusChangesOffIndexes];

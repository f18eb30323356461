/** What a started warroom process offers `main.ts` and the tests (see app.ts). */
import type { Server as HttpServer } from 'node:http';
import type { Aggregator } from './aggregate/aggregator';
import type { Ingest } from './ingest/ingest';
import type { Publisher } from './publish/publisher';
import type { CredentialStore } from './security/credentials';
import type { AdminPlane } from './admin';
import type { Lease, LeaseHolder } from './lease';
import type { Checkpointer } from './checkpoint';
import type { AlarmBoard } from './alarms';
import type { ApiState } from './api-state';

export interface Warroom {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  http: HttpServer;
  aggregator: Aggregator;
  /** The stream reader (throws on a standby, which reads nothing). */
  readonly ingest: Ingest;
  /** The ingest lease: `role` says whether this process counts. */
  lease: Lease;
  /** Settles if this process loses the lease to another (it has stopped counting then). */
  leaseLost: Promise<LeaseHolder | null>;
  /** Resolves when a standby's takeover failed (it released the lease and counts nothing): exit. */
  takeOverFailed: Promise<Error>;
  publisher: Publisher;
  checkpointer: Checkpointer;
  alarms: AlarmBoard;
  creds: CredentialStore;
  admin: AdminPlane;
  /** `GET /api/state` body (throws on a standby: it has no figures). */
  state(): ApiState;
  close(): Promise<void>;
}

import type { Knex } from 'knex';
import { runCreateRequests, type CreatedRow, type SubmissionRow } from './create-request-sql';

interface Pending { row: SubmissionRow; resolve(created: CreatedRow | undefined): void; reject(err: unknown): void }

/**
 * Group commit for submissions: those that arrive while earlier batches are being written go together into the
 * next statement, so a busy hub pays one round trip and one commit for many requests. An idle hub writes each
 * submission at once (a batch of one, on the next turn of the event loop): batching adds no waiting.
 * If a batch fails as a whole, each of its submissions is written alone, so one bad submission cannot fail others.
 */
export class SubmissionBatcher {
  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(private readonly db: Knex, private readonly opts: { maxBatch: number; maxInFlight: number }) {}

  /** Resolves with the created row, or undefined when the idempotency key was already taken. */
  submit(row: SubmissionRow): Promise<CreatedRow | undefined> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.opts.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < this.opts.maxInFlight && this.queue.length > 0) {
        const batch = this.queue.splice(0, this.opts.maxBatch);
        this.inFlight++;
        void this.write(batch).finally(() => { this.inFlight--; this.schedule(); });
      }
    });
  }

  private async write(batch: Pending[]): Promise<void> {
    let created: CreatedRow[];
    try {
      created = await runCreateRequests(this.db, batch.map((p) => p.row));
    } catch (err) {
      if (batch.length === 1) { batch[0].reject(err); return; }
      await Promise.all(batch.map((p) => this.write([p])));
      return;
    }
    const byId = new Map(created.map((r) => [r.id, r]));
    for (const p of batch) p.resolve(byId.get(p.row.id));
  }
}

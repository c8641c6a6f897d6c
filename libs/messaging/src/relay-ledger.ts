/**
 * What an outbox relay knows of the rows it sent and has not yet seen marked published, so that it
 * never sends again what Kafka acknowledged, and counts the copies that went out more than once.
 *
 * Rows are sent before they are marked (a row marked but never sent would be lost), so a failure
 * between the two leaves rows in Kafka but unmarked. Kept here, they are marked before the relay
 * reads the outbox again, instead of being sent again with everything after them. What remains
 * republished: rows of a send that failed (they may have reached Kafka) when sent anew, and rows
 * another instance also sent (found already marked). A process that dies between send and mark
 * takes this ledger with it: its successor republishes those rows without knowing.
 */
export class RelayLedger {
  /** Acknowledged by Kafka, not yet known to be marked. */
  private readonly acknowledged = new Set<string>();
  /** Sent without an answer: they may be in Kafka. */
  private readonly unanswered = new Set<string>();
  /** Their mark was interrupted without an answer: it may have committed. */
  private readonly markMaybeCommitted = new Set<string>();
  /** Copies sent more than once, by this instance or (found at marking) by another. */
  republished = 0;

  /** Rows to mark before anything else is read or sent. */
  get toMark(): string[] {
    return [...this.acknowledged];
  }

  /** The rows the outbox now holds unpublished at its head: rows no longer among them were published by someone else. */
  read(ids: readonly string[]): void {
    const present = new Set(ids);
    for (const id of this.unanswered) if (!present.has(id)) this.unanswered.delete(id);
  }

  sending(ids: readonly string[]): void {
    for (const id of ids) if (this.unanswered.has(id)) this.republished += 1;
  }

  sendFailed(ids: readonly string[]): void {
    for (const id of ids) this.unanswered.add(id);
  }

  sent(ids: readonly string[]): void {
    for (const id of ids) {
      this.unanswered.delete(id);
      this.acknowledged.add(id);
    }
  }

  /** `answered`: PostgreSQL said the mark failed; otherwise the connection went and it may have committed. */
  markFailed(ids: readonly string[], answered: boolean): void {
    if (!answered) for (const id of ids) this.markMaybeCommitted.add(id);
  }

  /** `updated`: the rows the mark changed; the others had been marked already, by another instance that sent them too. */
  marked(ids: readonly string[], updated: ReadonlySet<string>): void {
    for (const id of ids) {
      this.acknowledged.delete(id);
      if (!updated.has(id) && !this.markMaybeCommitted.has(id)) this.republished += 1;
      this.markMaybeCommitted.delete(id);
    }
  }
}

// Requests that arrive while the previous batch is still at the database are sent together, as one
// statement: the PostgreSQL store's group commit. A request made when nothing is waiting goes at the end
// of this turn of the event loop (setImmediate, no timer), together with whatever else that turn asked
// for: when a batch of loads comes back, its turns all run in the same turn of the loop and ask for their
// saves there, so those saves go as one statement instead of the first alone and the rest after it
// (16 conversations at once: 16 to a batch, not 4-7; 0.13 round trips per turn, not 0.36).
// (DataLoader batches what is asked within one tick; turns arrive spread out, so alone it batched ~1.)

/** Runs one batch; resolves to one outcome per item, in order (an Error fails that item only). */
export type BatchRun<I, O> = (items: I[]) => Promise<Array<O | Error>>;

interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (err: unknown) => void;
}

export class Batcher<I, O> {
  private queue: Array<Pending<I, O>> = [];
  private inFlight = 0;
  /** A send is due at the end of this turn of the event loop. */
  private scheduled = false;

  /**
   * @param maxInFlight batches at the database at once (each holds one pooled connection). One: what
   *   waits meanwhile goes in the next batch, so batches are larger and a turn costs fewer round trips
   *   and less CPU here and in the server (`npm run bench -- --replicas`: 0.34 round trips per turn
   *   against 0.58 with two in flight; with the batches gathered per loop turn, two in flight were no
   *   faster). On a machine whose cores the server shares, a second batch mostly waits for a core itself.
   * @param maxBatch items in one statement
   * @param key items with the same key never share a batch (the same conversation twice): the later waits
   */
  constructor(
    private readonly run: BatchRun<I, O>,
    private readonly maxInFlight = 1,
    private readonly maxBatch = 100,
    private readonly key?: (item: I) => string,
  ) {}

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      // With every slot taken, the end of a batch sends what waits (see next); else the end of this loop turn.
      if (this.scheduled || this.inFlight >= this.maxInFlight) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.next();
      });
    });
  }

  private next(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length) {
      const batch: Array<Pending<I, O>> = [];
      const later: Array<Pending<I, O>> = [];
      const keys = new Set<string>();
      for (const p of this.queue) {
        const k = this.key?.(p.item);
        if (batch.length >= this.maxBatch || (k !== undefined && keys.has(k))) {
          later.push(p);
          continue;
        }
        if (k !== undefined) keys.add(k);
        batch.push(p);
      }
      this.queue = later;
      this.inFlight++;
      void this.send(batch).finally(() => {
        this.inFlight--;
        this.next();
      });
    }
  }

  private async send(batch: Array<Pending<I, O>>): Promise<void> {
    try {
      const out = await this.run(batch.map((p) => p.item));
      batch.forEach((p, i) => {
        const o = out[i];
        if (o instanceof Error) p.reject(o);
        else p.resolve(o as O);
      });
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }
}

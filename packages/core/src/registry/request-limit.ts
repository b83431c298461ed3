import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * At most `limit` units of work under way at once against one registry: a
 * request with its whole body, or a blob copy (its GET and its PUT). Work
 * started inside a unit (a token request after a 401, a GET after a HEAD
 * without a digest) runs in that unit's slot, so nesting never deadlocks.
 */
export class RequestLimit {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly holder = new AsyncLocalStorage<RequestLimit[]>();
  /** The most units that were under way at once. */
  peak = 0;

  constructor(readonly limit: number) {}

  /** Runs `work` in a slot, waiting for one if every slot is taken; in the slot already held by the caller when there is one. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    const held = this.holder.getStore() ?? [];
    if (held.includes(this)) return work();
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    this.peak = Math.max(this.peak, this.running);
    try {
      return await this.holder.run([...held, this], work);
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}

/**
 * Kommo's rate limit as the server sees it: arrivals counted per sliding second, and an
 * optional block (403 with nginx's HTML) after repeated violations.
 *
 * @module
 */

/** A sliding-window counter of arrival times (ms). */
export class SlidingWindow {
  #times: number[] = [];
  #head = 0;

  constructor(private readonly windowMs: number) {}

  /** Arrivals within the window ending at `now`, after recording this one. */
  hit(now: number): number {
    this.#times.push(now);
    this.#trim(now);
    return this.#times.length - this.#head;
  }

  /** Arrivals within the window ending at `now`. */
  count(now: number): number {
    this.#trim(now);
    return this.#times.length - this.#head;
  }

  #trim(now: number): void {
    const edge = now - this.windowMs;
    while (this.#head < this.#times.length && (this.#times[this.#head] ?? 0) <= edge) this.#head++;
    if (this.#head > 4096) {
      this.#times = this.#times.slice(this.#head);
      this.#head = 0;
    }
  }

  clear(): void {
    this.#times = [];
    this.#head = 0;
  }
}

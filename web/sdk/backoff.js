// Reconnect delays: exponential from `baseMs` up to `capMs`, with full
// jitter (uniform from 0 to the step), so many clients cut off together do
// not all come back in the same instant.
export class Backoff {
  constructor(baseMs = 500, capMs = 10000) {
    this.baseMs = baseMs;
    this.capMs = capMs;
    this.attempt = 0;
  }

  next() {
    const step = Math.min(this.capMs, this.baseMs * 2 ** this.attempt);
    this.attempt += 1;
    return Math.random() * step;
  }

  reset() {
    this.attempt = 0;
  }
}

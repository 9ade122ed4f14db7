// Reconnect delays: exponential from `base` up to `cap`, with "equal jitter"
// (half the step fixed, half random) so many clients cut off together do not
// all come back in the same instant.
export class Backoff {
  constructor(base = 500, cap = 10000) {
    this.base = base;
    this.cap = cap;
    this.attempt = 0;
  }

  next() {
    const step = Math.min(this.cap, this.base * 2 ** this.attempt);
    this.attempt += 1;
    return step / 2 + Math.random() * (step / 2);
  }

  reset() {
    this.attempt = 0;
  }
}

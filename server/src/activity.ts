// Request activity (how many requests are in flight, how long it has been quiet), for background work that yields to them.

export class RequestActivity {
  inFlight = 0;
  /** performance.now() when a request last began or ended. */
  private last = 0;

  begin(): void {
    this.inFlight++;
    this.last = performance.now();
  }

  end(): void {
    this.inFlight--;
    this.last = performance.now();
  }

  /** Milliseconds since a request last began or ended. */
  get quietFor(): number {
    return performance.now() - this.last;
  }
}

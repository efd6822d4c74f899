/**
 * Getting "Applying 002_x (2 of 5)" on screen before the migration runs. The embedded database (PGlite) runs in the
 * extension host's thread, so while a migration's SQL runs nothing else does, including VS Code sending the progress
 * message. VS Code sends a progress report at once unless one went less than 100 ms before; then it sends the latest
 * one by a timer when the 100 ms are over (ExtHostProgress), and every message leaves the process by a timer too.
 * This mirrors that throttle, so the engine's `afterMigrationStart` waits just long enough: nothing when the report
 * went at once, the rest of the 100 ms when it was held back; never more than `budgetMs` in one run.
 */
export class ProgressPacing {
  private lastSent = -Infinity;
  private heldUntil: number | null = null;
  private waited = 0;

  constructor(private readonly now: () => number = () => Date.now(), readonly windowMs = 100, readonly budgetMs = 2000) {}

  /** A report was handed to VS Code now. */
  reported(): void {
    const t = this.now();
    if (this.heldUntil !== null && t >= this.heldUntil) this.sent();
    if (this.heldUntil !== null) return; // merged into the held one
    if (t - this.lastSent >= this.windowMs) this.lastSent = t;
    else this.heldUntil = this.lastSent + this.windowMs;
  }

  /** How long to wait for the held report to be sent (0: none is held, or the run's budget is spent); counts it against the budget. */
  waitMs(): number {
    if (this.heldUntil === null) return 0;
    const w = Math.max(0, Math.min(this.heldUntil - this.now(), this.budgetMs - this.waited));
    this.waited += w;
    return w;
  }

  /** The held report went out (its timer ran). */
  sent(): void {
    if (this.heldUntil === null) return;
    this.lastSent = this.heldUntil;
    this.heldUntil = null;
  }

  /** Waits for the held report, then gives the event loop two turns so VS Code's timers send it. */
  async flush(): Promise<void> {
    const wait = this.waitMs();
    const turn = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
    await turn(wait > 0 ? wait + 2 : 0);
    if (this.heldUntil !== null && this.now() >= this.heldUntil) this.sent();
    await turn(0);
    await turn(0);
  }
}

// A progress line on stderr while long work runs, shown only on a terminal.

import { formatCount } from './units.ts';

export class ProgressLine {
  private readonly enabled: boolean;
  private readonly started = performance.now();
  private lastDraw = 0;
  private drawn = false;

  constructor(private totalBytes: number, enabled = process.stderr.isTTY === true) {
    this.enabled = enabled;
  }

  update(bytes: number, events: number, totalBytes = this.totalBytes): void {
    if (!this.enabled) return;
    this.totalBytes = totalBytes;
    const now = performance.now();
    if (now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const seconds = (now - this.started) / 1000;
    const fraction = this.totalBytes > 0 ? Math.min(1, bytes / this.totalBytes) : 0;
    const eta = fraction > 0.02 ? seconds / fraction - seconds : NaN;
    const rate = events / Math.max(seconds, 1e-3);
    const bar = '█'.repeat(Math.round(fraction * 24)).padEnd(24, '░');
    const etaText = Number.isFinite(eta) ? `, ETA ${eta.toFixed(0)}s` : '';
    process.stderr.write(`\r${bar} ${(fraction * 100).toFixed(0).padStart(3)}%  ${formatCount(events)} events (${formatCount(Math.round(rate))}/s${etaText})  `);
    this.drawn = true;
  }

  done(): void {
    if (this.drawn) process.stderr.write('\r\x1b[K');
  }
}

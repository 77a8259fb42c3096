/** What one progress line shows. */
export interface ProgressState {
  done: number;
  total: number;
  /** Vectors per second. */
  rate: number;
  etaSeconds: number | null;
  concurrency: number;
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** `[████████░░░░░░░░] 52.3%  523,000/1,000,000 vectors  412,345/s  ETA 1s  2 shards at once` */
export function renderProgress(p: ProgressState, width = 24): string {
  const fraction = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
  const filled = Math.round(fraction * width);
  const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
  const eta = p.etaSeconds === null ? 'ETA –' : `ETA ${formatDuration(p.etaSeconds)}`;
  return `[${bar}] ${(fraction * 100).toFixed(1).padStart(5)}%  ${n(p.done)}/${n(p.total)} vectors  ${n(p.rate)}/s  ${eta}  ${p.concurrency} shard${p.concurrency === 1 ? '' : 's'} at once`;
}

/**
 * Draws the bar in place on a terminal (at most ten times a second); elsewhere prints a
 * plain line every few seconds so logs stay readable.
 */
export class ProgressBar {
  readonly #write: (s: string) => void;
  readonly #tty: boolean;
  readonly #clock: () => number;
  #last = -Infinity;
  #drawn = false;

  constructor(write: (s: string) => void, tty: boolean, clock: () => number = () => performance.now()) {
    this.#write = write;
    this.#tty = tty;
    this.#clock = clock;
  }

  update(p: ProgressState, force = false): void {
    const t = this.#clock();
    if (!force && t - this.#last < (this.#tty ? 100 : 2000)) return;
    this.#last = t;
    if (this.#tty) {
      this.#write(`\r${renderProgress(p)}\u001b[K`);
      this.#drawn = true;
    } else {
      this.#write(`${renderProgress(p)}\n`);
    }
  }

  /** Ends the bar's line so the next output starts clean. */
  end(): void {
    if (this.#tty && this.#drawn) this.#write('\n');
    this.#drawn = false;
  }
}

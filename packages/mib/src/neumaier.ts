/**
 * Compensated (Neumaier) float64 summation: sums of many small per-element rates keep about
 * full double precision instead of losing digits to the running total.
 *
 * @example
 * const s = new NeumaierSum(); s.add(1e16); s.add(1); s.add(-1e16); s.value; // 1
 */
export class NeumaierSum {
  private sum: number;
  private compensation: number;

  constructor(sum = 0, compensation = 0) {
    this.sum = sum;
    this.compensation = compensation;
  }

  /** Add one term. */
  add(x: number): void {
    const t = this.sum + x;
    if (!Number.isFinite(t)) {
      // Infinite (or NaN) totals stay so; the compensation would turn them into NaN.
      this.sum = t;
      return;
    }
    if (Math.abs(this.sum) >= Math.abs(x)) this.compensation += this.sum - t + x;
    else this.compensation += x - t + this.sum;
    this.sum = t;
  }

  /** The compensated total so far. */
  get value(): number {
    return Number.isFinite(this.sum) ? this.sum + this.compensation : this.sum;
  }

  /** The running sum and its compensation, for serialising. */
  get parts(): [number, number] {
    return [this.sum, this.compensation];
  }
}

/**
 * Runs async jobs one at a time, in call order. Must start a job only after the previous one
 * settled, whether it resolved or rejected, so two commits never overlap.
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job, job);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

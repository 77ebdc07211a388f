import { describe, expect, it } from 'vitest';
import { yieldWhileBusy } from '../../workers/training/yield';

/** A commit's shape: links each resumed by a task of its own (as I/O completions are). */
function chain(links: number): { readonly done: () => boolean; readonly ran: () => number } {
  let ran = 0;
  void (async () => {
    for (let i = 0; i < links; i++) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      ran++;
    }
  })();
  return { done: () => ran === links, ran: () => ran };
}

describe('between two steps while a snapshot commits', () => {
  it('a chain of task-resumed links runs through in one pause when the budget allows', async () => {
    const commit = chain(20);
    await yieldWhileBusy(() => !commit.done(), 5_000);
    expect(commit.ran()).toBe(20);
  });

  it('with no budget, one yield: a link or so per step (what each step gave a commit before)', async () => {
    const commit = chain(20);
    await yieldWhileBusy(() => !commit.done(), 0);
    expect(commit.ran()).toBeLessThanOrEqual(2);
  });

  it('never holds a step past its budget, however long the commit', async () => {
    const started = performance.now();
    await yieldWhileBusy(() => true, 15);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(15);
    // Bounded by the budget plus one turn of the event loop, not by the commit.
    expect(waited).toBeLessThan(1_000);
  });
});

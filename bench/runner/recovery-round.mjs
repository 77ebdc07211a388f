// One round of the recovery suite on the app's own page (not the bench page): train, snapshot,
// inject a fault through ?debug=1's trainerDebug, and time the page's way back to training,
// with the phases the new worker marked on its timeline (workers/training/phase-marks.ts).
import { clearTimeout, setTimeout } from 'node:timers';

/** How long a round may wait for the page to train again before it counts as failed. */
const RECOVERY_TIMEOUT_MS = 60_000;
/** Steps trained after boot before the fault, so the loop runs as it does for a user. */
const WARMUP_STEPS = 10;

/** `promise`, or a rejection naming `what` after `ms`. */
function within(promise, ms, what) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`waited ${ms / 1000} s for ${what}`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

const stepOf = async (page) => Number(await page.getByTestId('step').textContent());

/** Waits until `predicate(arg)` holds in the page (polled: used before the fault only). */
async function waitInPage(page, predicate, arg, what) {
  try {
    await page.waitForFunction(predicate, arg, { timeout: RECOVERY_TIMEOUT_MS, polling: 50 });
  } catch {
    throw new Error(`waited ${RECOVERY_TIMEOUT_MS / 1000} s for ${what}`);
  }
}

/**
 * In the page: records when the status first leaves `training`, when it is `training` again
 * (a status that leaves it again starts that over) and when the shown step first differs from
 * the one shown at that moment, then resolves `benchRecovered`. Times are epoch ms (timeOrigin +
 * now), comparable with the worker's. The MutationObserver's callback runs in the task that
 * changed the text, and nothing polls: the page has the machine to itself meanwhile.
 */
function watchRecovery() {
  const doc = globalThis.document;
  const now = () => globalThis.performance.timeOrigin + globalThis.performance.now();
  const status = doc.querySelector('[data-testid="status"]');
  const step = doc.querySelector('[data-testid="step"]');
  const seen = { left: null, training: null, stepThen: null, moved: null, statuses: [] };
  let recovered;
  globalThis.benchRecovered = new Promise((resolve) => (recovered = resolve));
  const observer = new globalThis.MutationObserver(() => {
    const s = status.textContent;
    if (seen.statuses[seen.statuses.length - 1] !== s) seen.statuses.push(s);
    if (s !== 'training') {
      seen.left ??= now();
      seen.training = null;
      return;
    }
    if (seen.left === null) return;
    if (seen.training === null) {
      seen.training = now();
      seen.stepThen = step.textContent;
    } else if (step.textContent !== seen.stepThen) {
      seen.moved = now();
      observer.disconnect();
      recovered(seen);
    }
  });
  observer.observe(doc.body, { subtree: true, childList: true, characterData: true });
}

/** The phase marks of the trainer worker started after `after` (epoch ms), or null. */
async function newWorkerMarks(page, after) {
  for (const worker of page.workers()) {
    if (!/trainer\.worker/.test(worker.url())) continue;
    const read = await worker
      .evaluate(() => ({
        origin: globalThis.performance.timeOrigin,
        marks: globalThis.performance
          .getEntriesByType('mark')
          .map((m) => [m.name, globalThis.performance.timeOrigin + m.startTime]),
      }))
      .catch(() => null); // the terminated worker, on its way out
    if (read !== null && read.origin > after) return read;
  }
  return null;
}

/**
 * The way back as consecutive phases: the fault to the new worker's creation, then from mark to
 * mark in the order they happened (the first of each name), then to the step shown moving.
 */
function phasesOf(faultAt, worker, movedAt) {
  const points = [['fault', faultAt]];
  if (worker !== null) {
    points.push(['worker created', worker.origin]);
    const seen = new Set();
    for (const [name, at] of [...worker.marks].sort((a, b) => a[1] - b[1])) {
      if (seen.has(name)) continue;
      seen.add(name);
      points.push([name, at]);
    }
  }
  points.push(['step shown moving', movedAt]);
  return points.slice(1).map(([name, at], i) => {
    const [from, then] = points[i];
    return { phase: `${from} → ${name}`, ms: Math.round((at - then) * 10) / 10 };
  });
}

/**
 * Opens `url`, waits until it trains in a steady state, snapshots (Snapshot now), then injects `spec.fault` and times the page's recovery. Resolves to the round's row;
 * `skipped` where the fault cannot apply (a device loss on a backend without a GPU device).
 */
export async function recoveryRound(page, url, spec) {
  const timeout = RECOVERY_TIMEOUT_MS;
  await page.goto(url);
  const training = page.getByTestId('status').filter({ hasText: /^training$/ });
  await training.waitFor({ timeout });
  const target = (await stepOf(page)) + WARMUP_STEPS;
  // Steady state first: once this worker has validated (the page shows no validation loss
  // until then), every kernel of the loop is compiled. A fault during the first validation's
  // compile (new shapes: on SwiftShader, seconds of the GPU process) is reported only after it.
  await waitInPage(
    page,
    () => globalThis.document.querySelector('[data-testid="val-loss"]').textContent !== '',
    null,
    'the first validation after boot',
  );
  await waitInPage(
    page,
    (n) => Number(globalThis.document.querySelector('[data-testid="step"]').textContent) >= n,
    target,
    `step ${target}`,
  );
  const ranOn = await page.getByTestId('backend').textContent();
  // A snapshot committed mid-run, so the resume loads a state as a user's would: Snapshot now,
  // then any commit newer than the one shown before the click.
  const before = await page.getByTestId('last-snapshot-step').textContent();
  await page.getByRole('button', { name: 'Snapshot now' }).click();
  await waitInPage(
    page,
    (b) =>
      globalThis.document.querySelector('[data-testid="last-snapshot-step"]').textContent !== b,
    before,
    `a snapshot newer than step ${before}`,
  );
  await page.evaluate(watchRecovery);
  const stepBefore = await stepOf(page);
  const injected = await page.evaluate(async (kind) => {
    const at = globalThis.performance.timeOrigin + globalThis.performance.now();
    try {
      await globalThis.trainerDebug.fault(kind);
      return { at, refused: null };
    } catch (err) {
      return { at, refused: err instanceof Error ? err.message : String(err) };
    }
  }, spec.fault);
  const base = { backend: spec.backend, fault: spec.fault, build: spec.build, ran_on: ranOn };
  if (injected.refused !== null) return { ...base, status: 'skipped', reason: injected.refused };
  const seen = await within(
    page.evaluate(() => globalThis.benchRecovered),
    timeout,
    `the page to train again after ${spec.fault}`,
  );
  const worker = await newWorkerMarks(page, injected.at);
  return {
    ...base,
    ran_on_after: await page.getByTestId('backend').textContent(),
    step_before: stepBefore,
    resumed_step: Number(seen.stepThen),
    statuses: seen.statuses,
    to_training_ms: Math.round(seen.training - injected.at),
    to_step_ms: Math.round(seen.moved - injected.at),
    phases: phasesOf(injected.at, worker, seen.moved),
    status: 'ok',
  };
}

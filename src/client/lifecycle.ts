import type { SnapshotTrigger } from '../shared/snapshot';

/**
 * The moments a tab may be about to die without warning: hidden (the user switched away,
 * mobile browsers kill hidden tabs), pagehide (closing, navigating), freeze (tab discarding).
 */
export function watchLifecycle(onRisk: (trigger: SnapshotTrigger) => void): void {
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') onRisk('hidden');
  });
  window.addEventListener('pagehide', () => onRisk('hidden'));
  document.addEventListener('freeze', () => onRisk('hidden'));
}

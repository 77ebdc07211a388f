/**
 * What the newest-first order reads. Snapshots have a step; runs and jobs do not, and order by
 * commit time and id alone.
 */
export interface Dated {
  readonly id: string;
  readonly createdAt: number;
  readonly step?: number;
}

/**
 * The one newest-first order, for retention and every list (the store's and the page's): later
 * commit first, then the higher step, then the id, so the order is total. Commit time rather
 * than step, so that after a roll back the new branch is the newest and the abandoned branch
 * ages out of retention instead of crowding out the live one.
 */
export function newestFirst(a: Dated, b: Dated): number {
  return (
    b.createdAt - a.createdAt ||
    (b.step ?? 0) - (a.step ?? 0) ||
    (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
  );
}

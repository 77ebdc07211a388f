/**
 * Everything on the page a user can act with: the four buttons, and the panels whose inputs
 * rest together. The ui names its own parts; which are enabled in which state is the client's
 * rule (src/client/enabled-controls.ts).
 */
export type Control =
  | 'start'
  | 'pause'
  | 'newRun'
  | 'snapshotNow'
  | 'export'
  | 'import'
  | 'runs'
  /** The corpora list's Delete buttons. */
  | 'corpora'
  | 'snapshots'
  | 'dataset'
  | 'config'
  | 'interval'
  | 'sample'
  /** The `?debug=1` step profile. */
  | 'profile';

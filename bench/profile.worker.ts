import { expose } from 'comlink';
import { runProfileCase } from './profile/browser-case';
import type { ProfileCase } from './profile/profile-case';

// One case per worker, as bench.worker.ts: tfjs keeps the backend it was given.
expose({ run: (spec: ProfileCase): Promise<string> => runProfileCase(spec) });

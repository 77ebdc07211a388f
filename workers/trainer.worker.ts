import { expose } from 'comlink';
import { markPhase } from './training/phase-marks';
import { TrainerService } from './trainer-service';

// Every import above has been evaluated: the bundle is loaded.
markPhase('loaded');

expose(new TrainerService());

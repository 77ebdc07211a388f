import { expose } from 'comlink';
import { TrainerController } from './training/trainer-controller';

expose(new TrainerController());

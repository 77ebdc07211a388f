import { expose } from 'comlink';
import { TrainerService } from './trainer-service';

expose(new TrainerService());

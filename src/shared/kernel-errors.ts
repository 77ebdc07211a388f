/** Failures of the trainer's own compute kernels (issue 19), named as every other error. */
import { TrainerError } from './trainer-error';

/** The custom WebAssembly kernels could not be attached to the backend that runs now. */
export class KernelInstallError extends TrainerError {
  override name = 'KernelInstallError';
}

/** A custom kernel was called with tensors it does not take; the message names which. */
export class KernelInputError extends TrainerError {
  override name = 'KernelInputError';
}

import type { TensorDType } from '../snapshot';

/**
 * Every dtype the safetensors format defines, with its size in bytes (sub-byte float formats have
 * none). Knowing the whole list lets the reader tell a corrupt dtype from a real one this trainer
 * does not use.
 */
export const KNOWN_DTYPES: Readonly<Record<string, number | null>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  F8_E8M0: 1,
  F4: null,
  F6_E2M3: null,
  F6_E3M2: null,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  C64: 8,
  F64: 8,
  I64: 8,
  U64: 8,
};

/** The dtypes this trainer writes and reads. */
export type SafetensorsDType = 'F32' | 'I32';

const FROM_TENSOR: Readonly<Record<TensorDType, SafetensorsDType>> = {
  float32: 'F32',
  int32: 'I32',
};
const TO_TENSOR: Readonly<Record<SafetensorsDType, TensorDType>> = { F32: 'float32', I32: 'int32' };

export function isKnownDType(dtype: string): boolean {
  return Object.hasOwn(KNOWN_DTYPES, dtype);
}

export function isSupportedDType(dtype: string): dtype is SafetensorsDType {
  return Object.hasOwn(TO_TENSOR, dtype);
}

export function dtypeBytes(dtype: SafetensorsDType): number {
  return KNOWN_DTYPES[dtype] as number;
}

export function toSafetensorsDType(dtype: TensorDType): SafetensorsDType {
  return FROM_TENSOR[dtype];
}

export function toTensorDType(dtype: SafetensorsDType): TensorDType {
  return TO_TENSOR[dtype];
}

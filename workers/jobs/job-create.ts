import { withLegacyKeys } from '../../src/shared/config';
import {
  JobRunKindError,
  JobVocabularyError,
  NoSnapshotYetError,
  RunNotFoundError,
  RunTextMissingError,
} from '../../src/shared/errors';
import { sha256Hex } from '../../src/shared/hash';
import {
  checkBatchSize,
  checkedLines,
  checkGenerateParams,
  checkSampleCount,
} from '../../src/shared/jobs/job-input';
import type { JobManifest, JobRecord, JobRequest } from '../../src/shared/jobs/job-types';
import type { SnapshotManifest } from '../../src/shared/snapshot';
import type { JobStore, SnapshotStore } from '../store';
import { validationLines } from '../training/dataset';
import { textCodec, type TextCodec } from '../training/text-codec';
import { runBpe } from '../training/bpe/run-tokenizer';

/** The model tensors a job reads, by checkpoint name, with their SHA-256. */
export function modelHashes(manifest: SnapshotManifest): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const t of manifest.tensors) if (t.name.startsWith('model/')) hashes[t.name] = t.sha256;
  return hashes;
}

/**
 * Checks a job request completely (the snapshot, every parameter, every input line against
 * what the run's tokenizer reads) and only then writes the job, its manifest and its input in
 * one transaction: a refused request writes nothing. Any run takes jobs: lines of characters or
 * bytes, and prose (its prompts and scored lines are text, one item a line).
 */
export async function createJob(
  snapshots: SnapshotStore,
  jobs: JobStore,
  request: JobRequest,
  now: number,
): Promise<JobRecord> {
  const run = await snapshots.getRun(request.runId);
  if (run === undefined) throw new RunNotFoundError(request.runId);
  const snapshotId = request.snapshotId ?? run.latestSnapshotId;
  if (snapshotId === null) throw new NoSnapshotYetError(run.name);
  // Verified on the way: a job never starts from a damaged snapshot.
  const { manifest } = await snapshots.loadSnapshot(snapshotId);
  const config = withLegacyKeys(manifest.config);
  const vocab = manifest.dataset.vocab;
  const { tokenizer } = manifest.dataset;
  const codec = textCodec(config, [...vocab], runBpe(config, manifest.dataset));
  const { input } = request;
  if (request.kind === 'generate') {
    if (request.params === null) throw new Error('a generation job needs its parameters');
    checkGenerateParams(request.params, codec.tokenizer.vocabSize);
  }
  checkSampleCount(input);
  checkBatchSize(request.batchSize);
  let lines: string[] | null = null;
  let inputName = 'samples';
  if (input.kind === 'prompts' || input.kind === 'text') {
    lines = readableLines(input.name, checkedLines(input.name, input.text), codec);
    inputName = input.name;
  } else if (input.kind === 'validation') {
    // Prose holds out the stream's tail, not lines: there is no line to score.
    if (config.text === 'prose') throw new JobRunKindError(run.name, config.tokens, config.text);
    const text = await snapshots.getDataset(manifest.dataset.id);
    if (text === undefined) throw new RunTextMissingError(run.name);
    lines = validationLines(new TextDecoder().decode(text.bytes));
    inputName = `validation lines of ${manifest.dataset.name}`;
  }
  const kindFits =
    request.kind === 'generate'
      ? input.kind === 'samples' || input.kind === 'prompts'
      : input.kind === 'text' || input.kind === 'validation';
  if (!kindFits) throw new Error(`a ${request.kind} job cannot take ${input.kind} input`);
  const job: JobManifest = {
    kind: request.kind,
    runId: run.id,
    snapshotId,
    snapshotStep: manifest.step,
    tensorSha256: modelHashes(manifest),
    vocab,
    tokens: config.tokens,
    ...(tokenizer !== undefined ? { tokenizer } : {}),
    params: request.kind === 'generate' ? request.params : null,
    inputKind: input.kind,
    inputName,
    inputSha256: lines === null ? '' : await linesHash(lines),
    itemCount: input.kind === 'samples' ? input.count : lines!.length,
  };
  const record: JobRecord = {
    id: crypto.randomUUID(),
    runId: run.id,
    snapshotId,
    manifest: job,
    cursor: 0,
    batchSize: request.batchSize,
    state: 'running',
    error: null,
    nllSum: 0,
    tokenSum: 0,
    byteSum: 0,
    createdAt: now,
    updatedAt: now,
  };
  await jobs.insert(record, lines);
  return record;
}

/** Every line, if the run reads each of its characters; else the first it cannot, named. */
function readableLines(name: string, lines: string[], codec: TextCodec): string[] {
  lines.forEach((line, i) =>
    codec.encode(line, (char) => new JobVocabularyError(name, i + 1, char)),
  );
  return lines;
}

export function linesHash(lines: readonly string[]): Promise<string> {
  return sha256Hex(new TextEncoder().encode(lines.join('\n')));
}

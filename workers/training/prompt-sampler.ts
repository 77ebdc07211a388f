import * as tf from '@tensorflow/tfjs';
import { Prng, deriveSeed } from '../../src/shared/prng';
import {
  SAMPLE_LIMITS,
  checkSampling,
  type SampleRequest,
  type SampleSink,
  type SampleStarted,
} from '../../src/shared/sampling';
import {
  PromptTooLongError,
  PromptVocabularyError,
  SampleParamError,
} from '../../src/shared/sample-errors';
import { serializeError } from '../../src/shared/errors';
import { drawNext } from './draw-token';
import { createModel, type CharModel } from './models';
import type { TrainingSession } from './session';
import { textCodec, type TextCodec } from './text-codec';

/** Tags a prompt sample's stream apart from the run's other derived streams. */
const PROMPT_STREAM = 0x9a3e;

/**
 * Samples with a prompt, one at a time: a new one stops the one before. A sample draws from a
 * copy of the model's weights as they stand when it is asked for (the copy shares the device
 * buffers: training replaces its buffers, it never writes them), so training goes on meanwhile
 * and neither changes the other; its draws come from a stream of its own, derived from the
 * run's seed, its step and the request's seed, never from the run's PRNG.
 */
export class PromptSampler {
  private current: { stop: boolean } | null = null;

  /** Checks the request (a refusal is named and starts nothing), then samples in the background. */
  start(session: TrainingSession, request: SampleRequest, sink: SampleSink): SampleStarted {
    const { config, model } = session;
    const { dataset } = session;
    const codec = textCodec(config, dataset.vocab, dataset.kind === 'prose' ? dataset.bpe : null);
    const prompt = checkedPrompt(request, codec, model.vocabSize);
    this.stop();
    const run = { stop: false };
    this.current = run;
    const prng = Prng.fromSeed(deriveSeed(config.seed, PROMPT_STREAM, session.step, request.seed));
    const copy = frozenCopy(model);
    void generate(copy, codec, prompt, request, prng, sink, () => run.stop)
      .then((end) => sink({ type: 'end', ...end }))
      .catch((err: unknown) =>
        sink({ type: 'end', reason: 'error', tokens: 0, error: serializeError(err) }),
      )
      .finally(() => {
        copy.dispose();
        if (this.current === run) this.current = null;
      });
    return { step: session.step };
  }

  /** Stops the sample in progress at its next token (it ends `stopped`). */
  stop(): void {
    if (this.current !== null) this.current.stop = true;
    this.current = null;
  }
}

function checkedPrompt(request: SampleRequest, codec: TextCodec, vocabSize: number): number[] {
  const fail = (field: string, value: number, min: number, max: number) =>
    new SampleParamError(field, value, min, max);
  checkSampling(request, vocabSize, fail);
  const whole = (field: string, value: number, max: number, min = 0) => {
    if (!Number.isInteger(value) || value < min || value > max) throw fail(field, value, min, max);
  };
  whole('Length', request.length, SAMPLE_LIMITS.maxLength, 1);
  whole('Seed', request.seed, SAMPLE_LIMITS.maxSeed);
  const chars = [...request.prompt].length;
  if (chars > SAMPLE_LIMITS.maxPromptChars) {
    throw new PromptTooLongError(chars, SAMPLE_LIMITS.maxPromptChars);
  }
  return codec.encode(request.prompt, (char, lineBreak) => {
    return new PromptVocabularyError(char, lineBreak);
  });
}

/** A model on the same buffers as `model` now (Variable.assign shares a buffer, never copies). */
function frozenCopy(model: CharModel): CharModel {
  const copy = createModel(model.config, model.vocabSize, null);
  copy.variables.forEach((v, i) => v.variable.assign(model.variables[i]!.variable));
  return copy;
}

/** Generates up to `length` tokens after the prompt, passing on the text as it is decoded. */
async function generate(
  model: CharModel,
  codec: TextCodec,
  prompt: readonly number[],
  request: SampleRequest,
  prng: Prng,
  sink: SampleSink,
  stopped: () => boolean,
): Promise<{ reason: 'length' | 'document' | 'stopped'; tokens: number }> {
  const { context } = model.config;
  const window = codec.growing
    ? [codec.start, ...prompt].slice(-context)
    : [...new Array<number>(context).fill(codec.start), ...prompt].slice(-context);
  const decoder = codec.tokenizer.decoder();
  const pass = (text: string) => {
    if (text !== '') sink({ type: 'text', text });
  };
  let tokens = 0;
  let reason: 'length' | 'document' | 'stopped' = 'length';
  for (; tokens < request.length; tokens++) {
    const x = Int32Array.from(window);
    const logits = tf.tidy(() => model.nextLogits(tf.tensor2d(x, [1, x.length], 'int32')));
    const values = await logits.data();
    logits.dispose();
    if (stopped()) {
      reason = 'stopped';
      break;
    }
    const next = drawNext(values, 0, model.vocabSize, request, prng);
    if (next === codec.end) {
      reason = 'document';
      break;
    }
    window.push(next);
    if (window.length > context) window.shift();
    pass(decoder.push([next]));
  }
  // Bytes of a character the sample ended inside show as U+FFFD.
  pass(decoder.end());
  return { reason, tokens };
}

import { describe, expect, it } from 'vitest';
import { DeviceLostError } from '../gpu/gpu';
import { guessMapping, toExamples } from './data/examples';
import { parseTable } from './data/parseTable';
import { RunHandle } from './handle';
import { FineTuneRun, type RunEnvironment } from './run';
import { createMemoryRunStore, durableRunStore, RunStorageError, withInterrupted, type RunData, type RunStore } from './runStore';
import type { TrainingStepper } from './session';
import { sentimentTsv, testEnvironment } from './testing/fixtures';

// Faults during a run (the classifier head of the tiny BERT on the CPU backend, checkpoints every 4 of 14 steps):
// each run must end with exactly the losses of a run that met none.
const table = parseTable(sentimentTsv(120), 'tsv');
const { examples, labels } = toExamples(table, guessMapping(table));
const data: RunData = { task: 'classification', examples, labels };
const settings = {
  task: 'classification' as const,
  mode: 'head' as const,
  model: 'tiny-bert',
  hyperparameters: { batchSize: 8, epochs: 2, maxLength: 16, checkpointEvery: 4, learningRate: 0.05 },
};

/** A storage that can be made to refuse checkpoints (quota) or forget everything (site data cleared). */
function faultyStorage() {
  const backing = createMemoryRunStore();
  const faults = { quota: false };
  const refusing: RunStore = {
    ...backing,
    saveCheckpoint: async (checkpoint) => {
      if (faults.quota) throw new RunStorageError('quota', 'QuotaExceededError');
      return backing.saveCheckpoint(checkpoint);
    },
  };
  return { backing, faults, store: durableRunStore(refusing) };
}

async function uninterruptedLosses(): Promise<number[]> {
  const run = await FineTuneRun.start(data, settings, testEnvironment());
  await run.loop.run();
  return run.loop.history.stepLosses;
}

function onStep(run: FineTuneRun, step: number, action: () => void) {
  run.loop.on('progress', (progress) => progress.step === step && action());
}

describe('fine-tuning under faults', () => {
  it('a quota error keeps the run going in memory, says so, and saves again at a later checkpoint', async () => {
    const expected = await uninterruptedLosses();
    const { backing, faults, store } = faultyStorage();
    const env: RunEnvironment = { ...testEnvironment(), store };
    const run = await FineTuneRun.start(data, settings, env);
    const notices: string[] = [];
    run.loop.on('notice', (message) => notices.push(message));
    onStep(run, 5, () => (faults.quota = true)); // the checkpoint of step 8 is refused
    onStep(run, 9, () => (faults.quota = false)); // the one of step 12 goes through
    await run.loop.run();
    expect(run.loop.status).toBe('done');
    expect(run.loop.history.stepLosses).toEqual(expected);
    console.log(`notices: ${notices.join(' | ')}`);
    expect(notices[0]).toMatch(/storage for this site is full.*Training goes on: the checkpoint of step 8 is kept in this tab/);
    expect(notices[1]).toBe('Checkpoints are saved again (step 12).');
    expect((await backing.loadCheckpoint(run.record.runId))?.loop.globalStep).toBe(run.loop.totalSteps);
  });

  it('a run whose stored records are cleared mid-run keeps training and writes its record and data again', async () => {
    const expected = await uninterruptedLosses();
    const { backing, store } = faultyStorage();
    const run = await FineTuneRun.start(data, settings, { ...testEnvironment(), store });
    onStep(run, 6, () => void backing.deleteRun(run.record.runId)); // site data cleared
    await run.loop.run();
    expect(run.loop.history.stepLosses).toEqual(expected);
    await expect.poll(async () => (await backing.runs())[0]?.status).toBe('done'); // status writes are not awaited by the loop
    const [record] = await backing.runs();
    expect(record).toMatchObject({ runId: run.record.runId, status: 'done', checkpointStep: run.loop.totalSteps });
    expect((await backing.runData(run.record.runId)).data).toEqual(data);
  });

  it('a lost device pauses the run at its checkpoint; behind the same handle it continues with the same losses, loss after loss', async () => {
    const expected = await uninterruptedLosses();
    const env: RunEnvironment = { ...testEnvironment(), store: faultyStorage().store };
    /** The device goes at the `at`-th step this run's stepper takes. */
    const loseDeviceAt = (run: FineTuneRun, at: number) => {
      const stepper = (run as unknown as { stepper: TrainingStepper }).stepper;
      const step = stepper.step.bind(stepper);
      let count = 0;
      stepper.step = async (batch, learningRate) => {
        if (++count === at) throw new DeviceLostError('running encoder.forward', 'device was destroyed');
        return step(batch, learningRate);
      };
    };
    const run = await FineTuneRun.start(data, settings, env);
    loseDeviceAt(run, 11); // step 11: the last checkpoint is step 8
    const handle = new RunHandle(run);
    const statuses: string[] = [];
    handle.on('status', ({ status, message }) => statuses.push(message ? `${status}: ${message}` : status));
    const continuations = [2, 0]; // the first new device is lost again at its 2nd step (step 10), the next one never
    handle.onContinueRequested = () =>
      void FineTuneRun.resume(handle.runId, env).then((resumed) => {
        const at = continuations.shift()!;
        if (at > 0) loseDeviceAt(resumed, at);
        handle.continueWith(resumed);
      });
    await expect.poll(() => handle.suspended).toBeTruthy();
    expect(statuses.at(-1)).toMatch(/^paused: The GPU device was lost at step 11 \(device was destroyed\)\. The run is paused at its last checkpoint \(step 8\)/);
    handle.resume(); // the page does this once a new device is there
    await expect.poll(() => statuses.at(-1)).toMatch(/^paused: The GPU device was lost at step 10 .*last checkpoint \(step 8\)/);
    handle.resume();
    const epochs = await handle.metrics;
    expect(continuations).toEqual([]);
    expect(handle.losses()).toEqual(expected);
    expect(epochs.map((row) => row.epoch)).toEqual([1, 2]);
    expect(statuses.at(-1)).toBe('done');
  });

  it('a record left running or paused by a closed page reads as interrupted; live and ended runs keep their status', () => {
    const record = (runId: string, status: 'running' | 'paused' | 'done') => ({ runId, status, createdAt: 0, task: 'classification' as const, mode: 'head' as const, hyperparameters: {} as never, checkpointStep: 4, modelName: 'm' });
    const shown = withInterrupted([record('a', 'running'), record('b', 'paused'), record('c', 'running'), record('d', 'done')], new Set(['c']));
    expect(shown.map((r) => r.status)).toEqual(['interrupted', 'interrupted', 'running', 'done']);
  });
});

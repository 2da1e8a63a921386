// The page: wiring of the panels (train, model, evaluate, classify) to the
// library. Everything that computes is the library's (src/): this file only
// reads the form, draws, and keeps `window.alexnetApp`, the page's state
// that the browser test (test/browser) reads.
import { createTrainer, evaluateImages, type ImageSet, type Trainer, type BrowserImage } from 'alexnet-ts';
import type { RunInfo } from '../../src/serve/run-info.js';
import { chooseBackend, type Backend } from './backend.js';
import { classifyImage, showSquare, type Classifier, type Scored } from './classify.js';
import { drawCurves, type CurvePoints } from './curves.js';
import { fetchBytes, fetchSplit } from './data.js';
import { drawFilters } from './filters.js';
import { trainerSettings, type TrainSettings } from './train.js';
import { download, fileClassifier, runClassifier, weightsBlob } from './weights.js';

import type { AppState } from '../../src/serve/app-state.js';

const app: AppState = { ready: false, backend: '', gpu: false, trainState: 'loading', steps: [], epochs: [], model: null, top5: null, evaluations: [], errors: [] };
window.alexnetApp = app;

const el = <T extends HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page lacks #${id}`);
  return e as T;
};
const setStatus = (id: string, text: string, kind: '' | 'warn' | 'error' = '') => {
  const e = el(id);
  e.textContent = text;
  e.className = `status${kind ? ` ${kind}` : ''}`;
};
const fail = (where: string, e: unknown) => {
  const msg = e instanceof Error ? e.message : String(e);
  app.errors.push(`${where}: ${msg}`);
  setStatus(where, msg, 'error');
  console.error(`${where}: ${msg}`);
};

const params = new URLSearchParams(location.search);
let backend: Backend;
let train: ImageSet;
let val: ImageSet;
let trainer: Trainer<BrowserImage> | null = null;
let trainerEpochs = 0;
let classifier: Classifier | null = null;
const curves: CurvePoints = { loss: [], trainError: [], valError: [] };

const FIELDS = ['limit', 'valLimit', 'epochs', 'batchSize', 'learningRate', 'seed'] as const;
function settings(): TrainSettings {
  const form = el<HTMLFormElement>('train-form');
  const out: Record<string, number> = {};
  for (const f of FIELDS) {
    const input = form.elements.namedItem(f) as HTMLInputElement;
    const v = Number(input.value);
    if (!input.checkValidity() || !Number.isFinite(v)) throw new Error(`${f}: ${input.validationMessage || 'not a number'}`);
    out[f] = v;
  }
  return out as unknown as TrainSettings;
}

function setClassifier(c: Classifier): void {
  classifier = c;
  app.model = c.label;
  setStatus('model-status', `Model: ${c.label}.`);
  el<HTMLButtonElement>('evaluate').disabled = false;
  el<HTMLButtonElement>('classify-drawing').disabled = false;
}

function showTop(source: string, top: readonly Scored[]): void {
  app.top5 = { source, top: [...top] };
  const list = el('top5');
  list.replaceChildren(...top.map((c) => {
    const li = document.createElement('li');
    li.textContent = `${c.name} ${(100 * c.probability).toFixed(2)}%`;
    const bar = document.createElement('span');
    bar.className = 'bar';
    bar.style.width = `${Math.round(100 * c.probability)}px`;
    li.append(bar);
    return li;
  }));
}

function trainedClassifier(t: Trainer<BrowserImage>): Classifier {
  return { network: t.network(), label: `trained in this page (${t.globalStep} steps)` };
}

async function runTraining(): Promise<void> {
  const button = el<HTMLButtonElement>('train');
  const pause = el<HTMLButtonElement>('pause');
  if (!trainer || trainer.state === 'done' || trainer.state === 'diverged') {
    const options = trainerSettings(settings());
    const epochs = options.epochs!;
    const batchSize = options.batchSize!;
    trainerEpochs = epochs;
    curves.loss.length = curves.trainError.length = curves.valError.length = 0;
    app.steps.length = app.epochs.length = 0;
    el('epochs').querySelector('tbody')!.replaceChildren();
    let lastDraw = 0;
    let window0 = performance.now();
    let windowImages = 0;
    let rate = 0;
    trainer = await createTrainer({
      ...options, backend: backend.name, train, validation: val,
      onStep: async (r) => {
        app.steps.push({ step: r.globalStep, epoch: r.epoch, loss: r.loss, correct: r.correct, images: r.images });
        curves.loss.push(r.loss);
        curves.trainError.push(r.runningError);
        const now = performance.now();
        windowImages += r.images;
        if (now - window0 > 2000 || !rate) {
          rate = (windowImages * 1000) / Math.max(1, now - window0);
          window0 = now;
          windowImages = 0;
        }
        const perEpoch = r.stepsPerEpoch;
        const left = (epochs * perEpoch - r.globalStep) * batchSize / Math.max(rate, 1e-9);
        setStatus('train-status', `epoch ${r.epoch}/${epochs}, step ${r.step}/${perEpoch}: loss ${r.loss.toFixed(4)}, ${rate.toFixed(1)} img/s, about ${Math.ceil(left / 60)} min left`);
        if (now - lastDraw > 1500 || r.step === perEpoch) {
          lastDraw = now;
          drawCurves(el('curves'), curves, epochs * perEpoch);
          await drawFilters(el('filters'), trainer!.network());
        }
      },
      onValidating: (done, total) => setStatus('train-status', `validating: ${done}/${total} images`),
      onEpoch: (m, decision) => {
        app.epochs.push(m);
        curves.valError.push([trainer!.globalStep, m.valTop1Error ?? 0]);
        const row = document.createElement('tr');
        const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(2)}%`);
        for (const v of [String(m.epoch), m.trainLoss.toFixed(4), pct(m.trainTop1Error), m.valLoss?.toFixed(4) ?? '-', pct(m.valTop1Error), pct(m.valTop5Error), String(m.learningRate), (m.images / m.seconds).toFixed(1)]) {
          const td = document.createElement('td');
          td.textContent = v;
          row.append(td);
        }
        el('epochs').querySelector('tbody')!.append(row);
        if (decision.dropped) setStatus('train-status', `learning rate ${m.learningRate} → ${decision.learningRate} (${decision.reason})`);
      },
    });
  }
  const t = trainer;
  button.disabled = true;
  pause.disabled = false;
  el<HTMLButtonElement>('download').disabled = true;
  app.trainState = 'running';
  const state = await t.run();
  app.trainState = state;
  pause.disabled = true;
  button.disabled = false;
  button.textContent = state === 'paused' ? 'Resume' : 'Train';
  drawCurves(el('curves'), curves, trainerEpochs * t.stepsPerEpoch);
  await drawFilters(el('filters'), t.network());
  el<HTMLButtonElement>('download').disabled = state === 'diverged';
  if (state === 'diverged') setStatus('train-status', `the loss became ${app.steps.at(-1)?.loss}: lower the learning rate and train again`, 'error');
  else setStatus('train-status', state === 'paused' ? `paused at epoch ${t.position.epoch + 1}, step ${t.position.stepInEpoch}` : `finished ${trainerEpochs} epochs (${t.globalStep} steps)`);
  if (state !== 'diverged') setClassifier(trainedClassifier(t));
}

async function evaluateModel(): Promise<void> {
  const c = classifier;
  if (!c) return;
  if (c.network.inputSize > val.size || c.network.classes.length !== val.classes.length) throw new Error(`${c.label} was not trained on 28×28 Fashion-MNIST; the page evaluates on that data only`);
  const limit = settings().valLimit;
  const lines: string[] = [];
  for (const views of [1, 10] as const) {
    const r = await evaluateImages(c.network, val, { views, limit, onProgress: (done, total) => setStatus('eval-status', `${views === 10 ? '10 views' : 'centre crop'}: ${done}/${total} images`) });
    app.evaluations.push({ model: c.label, views, images: r.images, loss: r.loss, top1Error: r.top1Error, top5Error: r.top5Error });
    lines.push(`${views === 10 ? '10 views' : 'centre crop'}: top-1 error ${(100 * r.top1Error).toFixed(2)}%, top-5 error ${(100 * r.top5Error).toFixed(2)}%, loss ${r.loss.toFixed(4)}`);
  }
  setStatus('eval-status', `${lines.join('; ')} (${limit} validation images)`);
}

async function classifyPhoto(file: File): Promise<void> {
  const c = classifier;
  if (!c) throw new Error('open or train a model first');
  await showSquare(el('photo-view'), c, file);
  showTop(file.name, await classifyImage(c, file));
}

function setUpDrawing(): void {
  const canvas = el<HTMLCanvasElement>('drawing');
  const ctx = canvas.getContext('2d')!;
  const clear = () => {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  };
  clear();
  let last: [number, number] | null = null;
  const at = (e: PointerEvent): [number, number] => {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * canvas.width) / r.width, ((e.clientY - r.top) * canvas.height) / r.height];
  };
  canvas.addEventListener('pointerdown', (e) => {
    canvas.setPointerCapture(e.pointerId);
    last = at(e);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!last) return;
    const p = at(e);
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 16;
    ctx.lineCap = 'round';
    ctx.beginPath();
    ctx.moveTo(...last);
    ctx.lineTo(...p);
    ctx.stroke();
    last = p;
  });
  canvas.addEventListener('pointerup', () => (last = null));
  el('clear-drawing').addEventListener('click', clear);
  el('classify-drawing').addEventListener('click', () => {
    const c = classifier;
    if (!c) return;
    classifyImage(c, canvas).then((top) => showTop('drawing', top), (e) => fail('model-status', e));
  });
}

async function start(): Promise<void> {
  window.addEventListener('unhandledrejection', (e) => fail('train-status', e.reason));
  const info = (await (await fetch('api/info')).json()) as { version: string; run: string | null };
  el('version').textContent = info.version;
  backend = await chooseBackend(params.get('backend'));
  app.backend = backend.label;
  app.gpu = backend.gpu;
  setStatus('backend', backend.label, backend.gpu ? '' : 'warn');
  const form = el<HTMLFormElement>('train-form');
  for (const f of FIELDS) {
    const v = params.get(f);
    if (v !== null) (form.elements.namedItem(f) as HTMLInputElement).value = v;
  }
  if (!backend.gpu && !params.has('limit')) (form.elements.namedItem('limit') as HTMLInputElement).value = '256';
  [train, val] = await Promise.all([fetchSplit('train'), fetchSplit('val')]);
  setStatus('train-status', `${train.labels.length} training and ${val.labels.length} validation images (Fashion-MNIST, ${train.size}×${train.size}). Choose the settings and press Train.`);
  el<HTMLButtonElement>('train').disabled = false;
  el('train').addEventListener('click', () => runTraining().catch((e) => fail('train-status', e)));
  el('pause').addEventListener('click', () => trainer?.pause());
  el('download').addEventListener('click', () => {
    const t = trainer;
    if (t) weightsBlob(trainedClassifier(t)).then((b) => download(b, 'model.safetensors'), (e) => fail('train-status', e));
  });
  el('evaluate').addEventListener('click', () => {
    el<HTMLButtonElement>('evaluate').disabled = true;
    evaluateModel().catch((e) => fail('eval-status', e)).finally(() => (el<HTMLButtonElement>('evaluate').disabled = false));
  });
  el<HTMLInputElement>('photo').addEventListener('change', (e) => {
    const f = (e.target as HTMLInputElement).files?.[0];
    if (f) classifyPhoto(f).catch((err) => fail('model-status', err));
  });
  el<HTMLInputElement>('weights-file').addEventListener('change', (e) => {
    const f = (e.target as HTMLInputElement).files?.[0];
    if (f) f.arrayBuffer().then((b) => fileClassifier(new Uint8Array(b), f.name, backend.name, train)).then(setClassifier, (err) => fail('model-status', err));
  });
  if (info.run) {
    const open = el<HTMLButtonElement>('open-run');
    open.hidden = false;
    open.textContent = `Open the run ${info.run}`;
    open.addEventListener('click', async () => {
      try {
        const runInfo = (await (await fetch('api/run')).json()) as RunInfo;
        const [w, m] = await Promise.all([fetchBytes('run/model.safetensors'), runInfo.preprocessing.mean.mode === 'pixel' ? fetchBytes('run/mean.safetensors') : Promise.resolve(null)]);
        setClassifier(await runClassifier(runInfo, w, m, backend.name));
        el('report-link').hidden = !runInfo.report;
      } catch (err) {
        fail('model-status', err);
      }
    });
  }
  setUpDrawing();
  drawCurves(el('curves'), curves, 1);
  app.ready = true;
  app.trainState = 'ready';
}

start().catch((e) => fail('backend', e));

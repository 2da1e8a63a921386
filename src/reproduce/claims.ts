// The paper's claims as comparisons of the suite's variants. Every figure is
// an error in percentage points (or steps), and every comparison a "gain"
// signed so that the paper predicts it positive; stats.ts turns the gain and
// its spread into the verdict.
import type { EpochMetrics } from '../train/checkpoint.js';
import { difference, pairedDifference, summarize, verdict, type Difference, type Summary, type Verdict } from './stats.js';
import type { ExperimentEval, Errors } from './evaluate.js';
import type { TimeToThreshold } from './measures.js';
import type { SuiteSizing } from './suite.js';

export interface ExperimentData {
  readonly id: string;
  readonly seed: number;
  readonly eval: ExperimentEval;
  readonly history: readonly EpochMetrics[];
  /** Steps to the suite's threshold of training error (speedThreshold for convnet4, convergeThreshold for mini). */
  readonly toThreshold: TimeToThreshold;
}

export interface Measure {
  readonly name: string;
  /** What the paper reports for this measure, in its words and numbers. */
  readonly paper: string;
  readonly unit: 'points' | 'steps' | 'epochs' | 'seconds';
  /** Per compared group (a variant, or an ensemble size): the per-seed values. */
  readonly groups: Readonly<Record<string, Summary>>;
  /** `better` minus `worse` as the paper orders them: positive when the paper's claim holds. */
  readonly gain: Difference;
  readonly gainOf: string;
  /** Ratio of the group means where the paper states a ratio (Figure 1, §4.2). */
  readonly ratio?: number;
  readonly verdict: Verdict;
  readonly note?: string;
}

export interface ClaimResult {
  readonly id: string;
  readonly section: string;
  readonly claim: string;
  /** The paper's figure for the claim, as it reports it (ImageNet or CIFAR-10). */
  readonly paper: string;
  readonly measures: readonly Measure[];
  /** Seeds per compared variant. */
  readonly seeds: Readonly<Record<string, readonly number[]>>;
  /** The first (primary) measure's verdict. */
  readonly verdict: Verdict;
}

type Data = Readonly<Record<string, readonly ExperimentData[]>>;

const pts = (e: Errors, k: 'top1Error' | 'top5Error') => 100 * e[k];

function group(runs: readonly ExperimentData[], f: (d: ExperimentData) => number): Summary {
  return summarize(runs.map(f));
}

/** gain = worse − better; `worse` is the variant the paper says does worse (higher error, more steps). */
function compare(name: string, paper: string, unit: Measure['unit'], better: [string, Summary], worse: [string, Summary], extra: Partial<Measure> = {}): Measure {
  const gain = difference(worse[1], better[1]);
  return { name, paper, unit, groups: { [better[0]]: better[1], [worse[0]]: worse[1] }, gain, gainOf: `${worse[0]} − ${better[0]}`, verdict: verdict(gain), ...extra };
}

const test1 = (d: ExperimentData) => pts(d.eval.test, 'top1Error');
const test5 = (d: ExperimentData) => pts(d.eval.test, 'top5Error');
const gap = (d: ExperimentData) => pts(d.eval.test, 'top1Error') - pts(d.eval.train, 'top1Error');

function ablation(data: Data, id: string, section: string, claim: string, paper: string, without: string, paper1: string, paper5: string, extra: Measure[] = []): ClaimResult {
  const base = data.baseline, other = data[without];
  const measures = [
    compare('test top-1 error (%)', paper1, 'points', ['baseline', group(base, test1)], [without, group(other, test1)]),
    compare('test top-5 error (%)', paper5, 'points', ['baseline', group(base, test5)], [without, group(other, test5)]),
    ...extra,
  ];
  return { id, section, claim, paper, measures, seeds: { baseline: base.map((d) => d.seed), [without]: other.map((d) => d.seed) }, verdict: measures[0].verdict };
}

export function computeClaims(s: SuiteSizing, data: Data, ensembles: Readonly<Record<number, readonly Errors[]>>): ClaimResult[] {
  const pct = (x: number) => `${Math.round(100 * x)}%`;
  const steps = (d: ExperimentData) => d.toThreshold.steps;
  const censored = (runs: readonly ExperimentData[]) => runs.filter((d) => !d.toThreshold.reached).map((d) => d.id);
  const relu = data.relu4, tanh = data.tanh4;
  const cens = censored([...relu, ...tanh]);
  const fig1Note = cens.length ? `never reached ${pct(s.speedThreshold)} (their run length counts, a lower bound): ${cens.join(', ')}` : undefined;
  const speed = (name: string, unit: Measure['unit'], f: (d: ExperimentData) => number) => {
    const r = group(relu, f), t = group(tanh, f);
    return compare(name, 'tanh ÷ ReLU: 6× (epochs to 25%, CIFAR-10)', unit, ['relu4', r], ['tanh4', t], { ratio: t.mean / r.mean, ...(fig1Note ? { note: fig1Note } : {}) });
  };
  const claims: ClaimResult[] = [{
    id: 'relu-vs-tanh', section: '§3.1, Figure 1',
    claim: `a four-layer convnet with ReLUs reaches ${pct(s.speedThreshold)} training error several times faster than with tanh`,
    paper: '25% training error on CIFAR-10 six times faster (in epochs)',
    measures: [
      speed(`steps to ${pct(s.speedThreshold)} training error`, 'steps', steps),
      speed(`epochs to ${pct(s.speedThreshold)} training error`, 'epochs', (d) => d.toThreshold.epochs),
      speed(`training seconds to ${pct(s.speedThreshold)} training error`, 'seconds', (d) => d.toThreshold.seconds),
    ],
    seeds: { relu4: relu.map((d) => d.seed), tanh4: tanh.map((d) => d.seed) },
    verdict: 'undecided',
  }];
  claims[0] = { ...claims[0], verdict: claims[0].measures[0].verdict };

  claims.push(ablation(data, 'lrn', '§3.3', 'local response normalisation reduces the error rates', 'top-1 −1.4%, top-5 −1.2% (ILSVRC)', 'no-lrn', '+1.4', '+1.2'));
  claims.push(ablation(data, 'overlapping-pooling', '§3.4', 'overlapping pooling (z=3, s=2) beats z=2, s=2, and overfits slightly less', 'top-1 −0.4%, top-5 −0.3%; "slightly more difficult to overfit"', 'pool-2x2', '+0.4', '+0.3',
    [compare('overfitting gap: test − training top-1 error (points)', 'positive: "slightly more difficult to overfit"', 'points', ['baseline', group(data.baseline, gap)], ['pool-2x2', group(data['pool-2x2'], gap)])]));
  claims.push(ablation(data, 'two-columns', '§3.2', 'two columns beat one column with half the kernels in each conv layer', 'top-1 −1.7%, top-5 −1.2% (ILSVRC)', 'one-column', '+1.7', '+1.2'));

  const base = data.baseline, nodrop = data['no-dropout'];
  const conv = (runs: readonly ExperimentData[]) => group(runs, steps);
  const cb = conv(base), cn = conv(nodrop);
  const dropCens = censored([...base, ...nodrop]);
  const dropMeasures = [
    compare('overfitting gap: test − training top-1 error (points)', 'positive: without dropout "substantial overfitting"', 'points', ['baseline', group(base, gap)], ['no-dropout', group(nodrop, gap)]),
    compare('test top-1 error (%)', '(no figure)', 'points', ['baseline', group(base, test1)], ['no-dropout', group(nodrop, test1)]),
    // Here the paper's claim is that dropout costs steps: the "worse" (slower) variant is the one with dropout.
    compare(`steps to ${pct(s.convergeThreshold)} training error`, 'ratio ≈ 2×: dropout "roughly doubles the number of iterations required to converge"', 'steps', ['no-dropout', cn], ['baseline', cb],
      { ratio: cb.mean / cn.mean, ...(dropCens.length ? { note: `never reached ${pct(s.convergeThreshold)}: ${dropCens.join(', ')}` } : {}) }),
  ];
  claims.push({ id: 'dropout', section: '§4.2', claim: 'dropout prevents substantial overfitting and roughly doubles the iterations to converge', paper: 'substantial overfitting without; ~2× the iterations with', measures: dropMeasures, seeds: { baseline: base.map((d) => d.seed), 'no-dropout': nodrop.map((d) => d.seed) }, verdict: dropMeasures[0].verdict });

  claims.push(ablation(data, 'augmentation', '§4.1', 'label-preserving augmentation (here: flips; mini has no crops) reduces overfitting and error', 'without it "substantial overfitting" (no figure)', 'no-flip', 'positive (no figure)', '(no figure)',
    [compare('overfitting gap: test − training top-1 error (points)', 'positive: "substantial overfitting" without augmentation', 'points', ['baseline', group(data.baseline, gap)], ['no-flip', group(data['no-flip'], gap)])]));

  const pca = data.pca;
  const pcaMeasures = [
    compare('test top-1 error (%)', '+1 or more (ILSVRC)', 'points', ['pca', group(pca, test1)], ['baseline', group(base, test1)]),
    compare('test top-5 error (%)', '(no figure)', 'points', ['pca', group(pca, test5)], ['baseline', group(base, test5)]),
  ];
  claims.push({ id: 'pca-lighting', section: '§4.1', claim: 'PCA lighting reduces the top-1 error by over 1%', paper: 'top-1 −1% (ILSVRC)', measures: pcaMeasures, seeds: { pca: pca.map((d) => d.seed), baseline: base.map((d) => d.seed) }, verdict: pcaMeasures[0].verdict });

  const views = (k: 'top1Error' | 'top5Error', paper: string, withNote: boolean): Measure => {
    const c = base.map((d) => pts(d.eval.test, k)), t = base.map((d) => pts(d.eval.test10!, k));
    const gain = pairedDifference(c, t);
    return { name: `test ${k === 'top1Error' ? 'top-1' : 'top-5'} error (%)`, paper, unit: 'points', groups: { 'centre crop': summarize(c), '10 views': summarize(t) }, gain, gainOf: 'centre crop − 10 views (paired by network)', verdict: verdict(gain), ...(withNote ? { note: 'on 28×28 images prepared at 28 the four corner crops are the centre crop: the 10 views are the centre and its mirror image, 5 times each' } : {}) };
  };
  const viewMeasures = [views('top1Error', '+1.5 (39.0% → 37.5%, ILSVRC-2010)', true), views('top5Error', '+1.3 (18.3% → 17.0%)', false)];
  claims.push({ id: 'ten-views', section: '§4.1, §5', claim: 'averaging the softmax over 10 views beats the centre crop', paper: 'top-1 39.0% → 37.5%, top-5 18.3% → 17.0% (ILSVRC-2010)', measures: viewMeasures, seeds: { baseline: base.map((d) => d.seed) }, verdict: viewMeasures[0].verdict });

  const sizes = s.ensembleSizes;
  const ens = (k: 'top1Error' | 'top5Error', paper: string): Measure[] => sizes.slice(1).map((n) => compare(`test ${k === 'top1Error' ? 'top-1' : 'top-5'} error (%), ${n} networks vs 1`, n === 5 ? paper : '(not reported)', 'points',
    [`${n} CNNs`, summarize(ensembles[n].map((e) => pts(e, k)))], ['1 CNN', summarize(ensembles[1].map((e) => pts(e, k)))]));
  const ensMeasures = [...ens('top5Error', '+1.8 (18.2% → 16.4%, ILSVRC-2012 val)'), ...ens('top1Error', '+2.6 (40.7% → 38.1%)')];
  const largest = sizes[sizes.length - 1];
  ensMeasures.unshift(...ensMeasures.splice(ensMeasures.findIndex((m) => m.name.startsWith(`test top-5 error (%), ${largest} `)), 1));
  claims.push({ id: 'ensembles', section: '§6', claim: `averaging the softmax of ${sizes.slice(1).join(' or ')} networks beats one`, paper: 'top-5 18.2% (1 CNN) → 16.4% (5 CNNs); top-1 40.7% → 38.1%', measures: ensMeasures, seeds: { baseline: base.map((d) => d.seed) }, verdict: ensMeasures[0].verdict });
  return claims;
}

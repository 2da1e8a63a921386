// The model options of a config (docs/paper.md §7) and what they make of a
// preset: the paper's ambiguities settled another way (input rule, LRN α
// convention and k, dropout scaling, positive bias, pooling rounding) and
// its ablations (one column, no LRN, non-overlapping pooling, tanh). Every
// option left null keeps the preset's own choice; with all of them null the
// preset comes back unchanged but for the class count.
import type { LrnAlphaConvention } from '../ops/lrn.js';
import type { DropoutScaling } from '../ops/dropout.js';
import {
  CONV1_GEOMETRY, type Activation, type ConvSpec, type DropoutSpec, type InputRule, type LayerSpec, type LinearSpec,
  type LrnSpec, type PoolRounding, type PoolSpec, type Preset,
} from './presets.js';

/** Every {@link LrnScope}. */
export const LRN_SCOPES = ['column', 'all'] as const;
/** Where an LRN window may reach: 'column' confines it to each column (paper), 'all' spans every channel. */
export type LrnScope = (typeof LRN_SCOPES)[number];

/** Every {@link ColumnCount}. */
export const COLUMN_COUNTS = [1, 2] as const;
/** Paper §3.2: two columns (the paper's net) or one (its one-GPU comparison net). */
export type ColumnCount = (typeof COLUMN_COUNTS)[number];

/** Model-level ambiguities and ablations (docs/paper.md §7); null keeps the preset's own choice. */
export interface ModelOptions {
  /** Output classes (fc8 width); null: the preset's, or the dataset's when training. */
  readonly classes: number | null;
  /** 224 with the overhang rule, 224 with padding 2, or 227 (docs/paper.md §1). */
  readonly inputRule: InputRule | null;
  readonly lrnAlphaConvention: LrnAlphaConvention | null;
  readonly lrnK: number | null;
  /** 'column': LRN window confined to each column (paper); 'all': across all channels. */
  readonly lrnScope: LrnScope | null;
  readonly poolRounding: PoolRounding | null;
  readonly dropoutScaling: DropoutScaling | null;
  /** Dropout probability of fc6 and fc7 (paper 0.5). */
  readonly dropProbability: number | null;
  /** Value of the biases the preset initialises positive (paper 1, Caffe 0.1). */
  readonly positiveBias: number | null;
  /** Paper §3.1: 'relu' (the paper) or 'tanh' (Figure 1's saturating baseline). */
  readonly activation: Activation | null;
  /** Paper §3.3 ablation: false removes the LRN layers. */
  readonly lrn: boolean | null;
  /** Paper §3.4: max-pooling window z (paper 3, overlapping; 2 with stride 2: the non-overlapping comparison). */
  readonly poolKernel: number | null;
  /**
   * Paper §3.2: 1 gives the paper's one-GPU comparison net: no groups, LRN over all
   * channels, half the kernels in every conv layer but the last (whose width,
   * like the fc layers', the paper kept so both nets have about as many weights).
   */
  readonly columns: ColumnCount | null;
}

/** Every option null: the preset as it is. */
export const PRESET_AS_IS: ModelOptions = {
  classes: null, inputRule: null, lrnAlphaConvention: null, lrnK: null, lrnScope: null, poolRounding: null, dropoutScaling: null,
  dropProbability: null, positiveBias: null, activation: null, lrn: null, poolKernel: null, columns: null,
};

/** Whether a preset has the paper's two columns: a conv or LRN layer with groups 2. */
export function hasTwoColumns(preset: Preset): boolean {
  return preset.layers.some((l) => (l.kind === 'conv' || l.kind === 'lrn') && l.groups === 2);
}

/** Why `options.columns` cannot apply to `preset` (a one-column network), or null where it can. */
export function columnsConflict(preset: Preset, options: ModelOptions): string | null {
  if (options.columns === null || hasTwoColumns(preset)) return null;
  return `model.columns applies to two-column presets (paper, caffe, mini); ${preset.name} has one column`;
}

/** Why `options.inputRule` cannot apply to `preset` (one with its own input geometry), or null where it can. */
export function inputRuleConflict(preset: Preset, options: ModelOptions): string | null {
  const rule = options.inputRule;
  if (rule === null || rule === 'preset' || preset.inputRule !== 'preset') return null;
  return `model.inputRule '${rule}' applies to the 11×11 stride-4 conv1 of paper/caffe/torchvision; preset ${preset.name} has its own input geometry`;
}

/**
 * The network `options` make of `preset` (docs/paper.md §7). The class
 * count is `options.classes`, else `classes`, else the preset's. Throws a
 * RangeError for columns on a one-column preset (columnsConflict).
 */
export function applyModelOptions(preset: Preset, options: ModelOptions, classes?: number): Preset {
  const conflict = columnsConflict(preset, options);
  if (conflict) throw new RangeError(conflict);
  const m = options;
  const nClasses = m.classes ?? classes ?? preset.classes;
  const kinds = preset.layers.map((l) => l.kind);
  const lastConv = preset.layers[kinds.lastIndexOf('conv')];
  const lastLinear = preset.layers[kinds.lastIndexOf('linear')];
  const newInputRule = m.inputRule !== null && m.inputRule !== 'preset' && m.inputRule !== preset.inputRule ? m.inputRule : null;
  const kept = preset.layers.filter((l) => l.kind !== 'lrn' || m.lrn !== false);
  const layers = kept.map((l, i): LayerSpec => {
    switch (l.kind) {
      case 'conv':
        return convWith(l, m, { lastConv: l === lastConv, conv1Rule: i === 0 ? newInputRule : null });
      case 'lrn':
        return lrnWith(l, m);
      case 'maxpool':
        return poolWith(l, m);
      case 'dropout':
        return dropoutWith(l, m);
      case 'linear':
        return linearWith(l, m, l === lastLinear ? nClasses : l.out);
    }
  });
  const geometry = newInputRule && kept[0]?.kind === 'conv' ? { inputSize: CONV1_GEOMETRY[newInputRule].inputSize, inputRule: newInputRule } : {};
  const activation = m.activation ?? preset.activation;
  return { ...preset, ...geometry, classes: nClasses, layers, ...(activation ? { activation } : {}) };
}

/** The positive biases set to `positiveBias` where it is given (docs/paper.md §3). */
function biasWith<T extends ConvSpec | LinearSpec>(l: T, m: ModelOptions): T {
  return m.positiveBias !== null && l.init.bias > 0 ? { ...l, init: { ...l.init, bias: m.positiveBias } } : l;
}

function convWith(l: ConvSpec, m: ModelOptions, at: { readonly lastConv: boolean; readonly conv1Rule: Exclude<InputRule, 'preset'> | null }): ConvSpec {
  let spec = biasWith(l, m);
  // Paper §3.2's one-GPU net: half the kernels, except in the last conv layer.
  if (m.columns === 1) spec = { ...spec, groups: 1, out: at.lastConv ? l.out : Math.max(1, Math.round(l.out / 2)) };
  if (at.conv1Rule) {
    const { padding, outputRule } = CONV1_GEOMETRY[at.conv1Rule];
    spec = { ...spec, padding, outputRule };
  }
  return spec;
}

function lrnWith(l: LrnSpec, m: ModelOptions): LrnSpec {
  const scope = m.columns === 1 ? 'all' : m.lrnScope;
  return {
    ...l,
    alphaConvention: m.lrnAlphaConvention ?? l.alphaConvention,
    k: m.lrnK ?? l.k,
    groups: scope === null ? l.groups : scope === 'all' ? 1 : 2,
  };
}

function poolWith(l: PoolSpec, m: ModelOptions): PoolSpec {
  return { ...l, rounding: m.poolRounding ?? l.rounding, kernel: m.poolKernel ?? l.kernel };
}

function dropoutWith(l: DropoutSpec, m: ModelOptions): DropoutSpec {
  return { ...l, scaling: m.dropoutScaling ?? l.scaling, dropProbability: m.dropProbability ?? l.dropProbability };
}

function linearWith(l: LinearSpec, m: ModelOptions, out: number): LinearSpec {
  return { ...biasWith(l, m), out };
}

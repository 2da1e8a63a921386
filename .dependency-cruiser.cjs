// The architecture of src/ as rules (docs/architecture.md draws the same
// picture). `npm test` runs this check (test/architecture/layers.test.ts);
// by hand: `npx depcruise src --config .dependency-cruiser.cjs`.
//
// Layers, lowest first. A module may import its own layer and any layer
// below it, never one above. Type-only imports count: a type import is still
// a dependency a reader has to follow.
const LAYERS = [
  ['util', '^src/(util/|version\\.ts$)'],
  ['tensor', '^src/tensor/'],
  ['io', '^src/io/'],
  ['ops', '^src/ops/'],
  ['data', '^src/data/'],
  ['backend', '^src/backend/'],
  ['nn', '^src/nn/'],
  ['models', '^src/models/'],
  ['config', '^src/config/'],
  ['weights', '^src/weights/'],
  ['eval', '^src/eval/'],
  ['train', '^src/train/'],
  ['runs', '^src/runs/'],
  ['parallel', '^src/parallel/'],
  ['export', '^src/export/'],
  ['viz', '^src/viz/'],
  ['reproduce', '^src/reproduce/'],
  ['serve', '^src/serve/'],
  ['api', '^src/api/'],
  ['entries', '^src/(index|browser)\\.ts$'],
  ['cli', '^src/cli/'],
];

const upward = LAYERS.map(([name, path], i) => ({
  name: `layer-${name}`,
  comment: `${name} sits below ${LAYERS.slice(i + 1).map(([n]) => n).join(', ')}: it must not import them`,
  severity: 'error',
  from: { path },
  to: { path: LAYERS.slice(i + 1).map(([, p]) => `(${p})`).join('|') || '^$' },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'no-cycles',
      comment: 'modules form no import cycle, type-only imports included',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'backends-behind-the-registry',
      comment: 'kernels are reached through the op registry: only a backend itself and the API (which picks and opens backends) import src/backend',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(backend|api)/' },
      to: { path: '^src/backend/' },
    },
    {
      name: 'cli-through-the-api',
      comment: 'the command line is a user of the public API: it imports src/index.ts, its own files and src/util',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: '^src/', pathNot: '^src/(cli/|index\\.ts$|util/|version\\.ts$)' },
    },
    {
      name: 'browser-entry-is-browser-safe',
      comment: 'nothing the browser entry reaches imports a Node built-in, sharp or an addon',
      severity: 'error',
      from: { path: '^src/browser\\.ts$' },
      to: { reachable: true, path: '^node:' },
    },
    {
      name: 'browser-entry-no-node-packages',
      comment: 'nothing the browser entry reaches imports sharp or the addons',
      severity: 'error',
      from: { path: '^src/browser\\.ts$' },
      to: { reachable: true, path: '(^|/)node_modules/(sharp|webgpu)/|\\.node$|/backend/native/|/backend/select\\.ts$' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'every import resolves (@webgpu/types is a declarations-only package, reached by a triple-slash reference)',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^@webgpu/types$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|node_modules)/' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'node', 'default'] },
  },
};

// The layering of docs/ARCHITECTURE.md, checked on every `npm test` (scripts/check-architecture.mjs):
//   ui -> state -> engine -> models -> kernels -> gpu, with weights and tokenizers used by engine and models, and the
//   feature modules (attention, onnx, finetune, train, bench) beside the engine. Nothing below imports above.
// Type-only imports may cross where a value import may not (a component naming the engine's result types), except
// where noted. Model families are only reachable through src/models/registry.ts.

/** Tests may reach across layers (an integration test of the recorder runs a kernel). */
const TESTS = ['\\.test\\.ts$', '\\.bench\\.ts$'];

/** A folder of src/models that is a family (every folder but the shared architectures and helpers). */
const FAMILY_FOLDER = '^src/models/(?!encoder/|decoder/|testing/|training/|onnx/)[^/]+/';

/** A rule allowing `from` layer to import only the layers in `to` (itself and src/common always). */
const layer = (name, from, to) => [
  {
    name: `${name}-imports`,
    comment: `${name} may import only ${to.join(', ') || 'nothing but common'}`,
    severity: 'error',
    from: { path: `^src/${from}/`, pathNot: TESTS },
    to: { path: '^src/', pathNot: [`^src/${from}/`, '^src/common/', ...to.map((target) => `^src/${target}/`)] },
  },
];

const forbidden = [
  {
    name: 'no-circular',
    severity: 'error',
    comment: 'modules depend on each other in one direction only (type-only cycles, such as zustand slices naming the whole store, are fine)',
    from: {},
    to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
  },
  {
    name: 'no-orphans',
    severity: 'error',
    comment: 'a module nothing imports is dead code (entry points, tests, workers and declarations excepted)',
    from: { orphan: true, pathNot: ['\\.test\\.ts$', '\\.bench\\.ts$', '\\.d\\.ts$', '\\.d\\.mts$', '^src/main\\.tsx$', '^src/bench/page\\.ts$', '\\.worker\\.ts$', '(^|/)testing/', '^src/vite-env'] },
    to: {},
  },
  ...layer('common', 'common', []),
  ...layer('gpu', 'gpu', []),
  ...layer('kernels', 'kernels', ['gpu']),
  ...layer('weights', 'weights', []),
  ...layer('tokenizers', 'tokenizers', []),
  ...layer('attention', 'attention', []),
  ...layer('models', 'models', ['kernels', 'gpu', 'weights']),
  ...layer('train', 'train', ['models', 'kernels', 'gpu', 'weights']),
  ...layer('engine', 'engine', ['models', 'tokenizers', 'weights', 'gpu']),
  ...layer('onnx', 'onnx', ['engine', 'models', 'tokenizers', 'weights', 'gpu']),
  ...layer('finetune', 'finetune', ['engine', 'train', 'models', 'tokenizers', 'weights', 'kernels', 'gpu']),
  ...layer('bench', 'bench', ['onnx', 'train', 'models', 'kernels', 'gpu', 'weights']),
  ...layer('state', 'state', ['engine', 'finetune', 'onnx', 'attention', 'tokenizers', 'models', 'weights', 'gpu']),
  ...layer('api', 'api', ['state', 'engine', 'finetune', 'onnx', 'attention', 'tokenizers', 'models']),
  {
    name: 'ui-imports',
    comment: 'ui reaches the engine, the models and the files through state actions: it may import state and the pure feature modules, and types from anything below',
    severity: 'error',
    from: { path: '^src/ui/', pathNot: TESTS },
    to: {
      path: '^src/',
      pathNot: ['^src/ui/', '^src/common/', '^src/state/', '^src/attention/', '^src/finetune/', '^src/onnx/'],
      dependencyTypesNot: ['type-only'],
    },
  },
  {
    name: 'families-through-the-registry',
    comment: 'a model family folder (src/models/<family>/) is imported only by itself and src/models/registry.ts: no family name elsewhere',
    severity: 'error',
    from: { path: '^src/', pathNot: ['^src/models/registry\\.ts$', '^src/models/[^/]+/', ...TESTS] },
    to: { path: FAMILY_FOLDER },
  },
  {
    name: 'families-apart',
    comment: 'a family folder (or a shared architecture) imports no other family folder',
    severity: 'error',
    from: { path: '^src/models/([^/]+)/', pathNot: TESTS },
    to: { path: FAMILY_FOLDER, pathNot: '^src/models/$1/' },
  },
  {
    name: 'testing-helpers-in-tests-only',
    comment: 'testing/ folders serve tests; the app does not ship them',
    severity: 'error',
    from: { path: '^src/', pathNot: ['\\.test\\.ts$', '\\.bench\\.ts$', '(^|/)testing/'] },
    to: { path: '(^|/)testing/' },
  },
];

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['node_modules', '\\?raw$'] },
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.app.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.tsx', '.js'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};

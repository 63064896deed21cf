// The code's shape, checked on every `npm test` before the tests run (fast, a few seconds):
// - the dependency rules of docs/ARCHITECTURE.md (.dependency-cruiser.cjs: layers point one way, families only through
//   src/models/registry.ts, no cycles, no orphan modules);
// - unused files, exports and dependencies (knip.json).
import { run } from './run.mjs';

const rules = await run('npx', ['depcruise', '--config', '.dependency-cruiser.cjs', '--output-type', 'err-long', 'src']);
const unused = await run('npx', ['knip', '--no-progress']);
console.log(`architecture: dependency rules ${rules === 0 ? 'hold' : 'BROKEN'}; unused code ${unused === 0 ? 'none' : 'FOUND'}`);
process.exit(rules || unused);

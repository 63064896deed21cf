// A seeded fuzz harness: each category turns a random generator into inputs (usually mutations of valid files) and
// runs them through a public parser. Every input must end in success or a named error within the time limit, and no
// message may read like an internal runtime failure. Adding an input kind is adding a Category.

export type Rng = () => number; // uniform in [0, 1)

/** mulberry32: small, fast and seeded, so a failing input is reproduced by its seed and index. */
export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const randomInt = (rng: Rng, below: number) => Math.floor(rng() * below);
export const pick = <T>(rng: Rng, items: readonly T[]): T => items[randomInt(rng, items.length)];

/** Texts that mean a runtime failure leaked out instead of a message about the input. */
export const FORBIDDEN_PATTERNS: readonly RegExp[] = [
  /^(TypeError|RangeError|SyntaxError|ReferenceError|InternalError|EvalError|URIError)\b/,
  /Cannot read propert/,
  /Cannot set propert/,
  /Cannot convert/,
  /is not a function/,
  /is not iterable/,
  /is not defined/,
  /Invalid array length/,
  /Invalid typed array length/,
  /Array buffer allocation failed/,
  /Maximum call stack/,
  /out of memory/i,
  /\bundefined\b/,
  /\bNaN\b/,
  /\[object Object\]/,
  /Offset is outside the bounds/,
  /out of range/,
];

export interface Category<Input = Uint8Array> {
  name: string;
  generate(rng: Rng): Input;
  /** Runs the parser (and whatever reading the result involves); throws what the parser throws. */
  run(input: Input): void;
  /** The errors this parser is expected to throw (e.g. WeightsError naming the file); others count as failures. */
  isNamedError(error: unknown): boolean;
}

export interface Failure {
  index: number;
  kind: 'internal text' | 'unnamed error' | 'slow';
  detail: string;
}

export interface CategoryReport {
  name: string;
  inputs: number;
  accepted: number;
  refused: number;
  failures: Failure[];
  maxMs: number;
  totalMs: number;
  /** Distinct refusal messages (digits folded), to see that the inputs reach many checks. */
  distinctMessages: number;
}

export interface FuzzOptions {
  seed: number;
  inputs: number; // per category
  timeLimitMs: number; // per input
}

export function runCategory<Input>(category: Category<Input>, options: FuzzOptions): CategoryReport {
  const rng = seededRng(options.seed ^ hashName(category.name));
  const report: CategoryReport = {
    name: category.name,
    inputs: 0,
    accepted: 0,
    refused: 0,
    failures: [],
    maxMs: 0,
    totalMs: 0,
    distinctMessages: 0,
  };
  const messages = new Set<string>();
  for (let index = 0; index < options.inputs; index++) {
    const input = category.generate(rng);
    const started = performance.now();
    let error: unknown = null;
    try {
      category.run(input);
    } catch (thrown) {
      error = thrown;
    }
    const ms = performance.now() - started;
    report.inputs++;
    report.totalMs += ms;
    report.maxMs = Math.max(report.maxMs, ms);
    if (ms > options.timeLimitMs) report.failures.push({ index, kind: 'slow', detail: `${ms.toFixed(0)} ms` });
    if (error === null) {
      report.accepted++;
      continue;
    }
    report.refused++;
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const message = error instanceof Error ? error.message : String(error);
    messages.add(message.replace(/\d+/g, 'N').slice(0, 160));
    if (!category.isNamedError(error)) {
      report.failures.push({ index, kind: 'unnamed error', detail: text.slice(0, 300) });
    } else if (FORBIDDEN_PATTERNS.some((pattern) => pattern.test(message) || pattern.test(text))) {
      report.failures.push({ index, kind: 'internal text', detail: text.slice(0, 300) });
    }
  }
  report.distinctMessages = messages.size;
  return report;
}

export function formatReports(reports: readonly CategoryReport[], seed: number): string {
  const lines = [`fuzz seed ${seed}`, 'category                inputs  accepted  refused  failures  distinct msgs  max ms   total s'];
  for (const r of reports) {
    lines.push(
      `${r.name.padEnd(22)} ${String(r.inputs).padStart(7)} ${String(r.accepted).padStart(9)} ${String(r.refused).padStart(8)} ` +
        `${String(r.failures.length).padStart(9)} ${String(r.distinctMessages).padStart(14)} ${r.maxMs.toFixed(1).padStart(7)} ` +
        `${(r.totalMs / 1000).toFixed(2).padStart(9)}`,
    );
  }
  for (const r of reports) {
    const shown = new Map<string, Failure>();
    for (const failure of r.failures) shown.set(`${failure.kind}: ${failure.detail.replace(/\d+/g, 'N')}`, failure);
    for (const [key, failure] of [...shown].slice(0, 8)) lines.push(`  ${r.name} #${failure.index} ${key}`);
  }
  return lines.join('\n');
}

function hashName(name: string): number {
  let hash = 2166136261;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 16777619);
  return hash >>> 0;
}

import subgroupWgsl from './subgroup.wgsl?raw';

/** WGSL prepended to the kernels that reduce with subgroup operations: `enable subgroups;` and subgroup_index(). */
export { subgroupWgsl };

/**
 * Concatenates WGSL parts with their directives (`enable …;`, `diagnostic(…);`) moved to the top, where WGSL wants
 * them: subgroup.wgsl and io_f16.wgsl each bring one.
 */
export function composeWgsl(...parts: string[]): string {
  const lines = parts.join('\n').split('\n');
  const directive = (line: string) => /^(enable|diagnostic)\b/.test(line);
  return [...lines.filter(directive), ...lines.filter((line) => !directive(line))].join('\n');
}

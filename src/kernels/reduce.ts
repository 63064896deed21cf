import reduceWgsl from './reduce.wgsl?raw';

/** WGSL for workgroup_sum / workgroup_max, prepended to the kernels that reduce rows (they declare WORKGROUP_SIZE). */
export { reduceWgsl };

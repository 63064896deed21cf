import reduceWgsl from './reduce.wgsl?raw';

/** WGSL for workgroup_sum / workgroup_max over 256 invocations, prepended to the kernels that reduce rows. */
export { reduceWgsl };

// The activation epilogue's code in the matmul shaders' uniforms (the GPU kernels and the CPU reference agree on it).

import type { Activation } from './matmul.ref';

/** The WGSL kernels' ACTIVATION override for each activation. */
export const ACTIVATION_CODE: Record<Activation, number> = { none: 0, gelu_erf: 1, gelu_tanh: 2, tanh: 3, relu: 4 };

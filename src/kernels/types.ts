// Host arrays the CPU references take: float32 as on the GPU, or float64 for finite-difference checks.
export type Floats = Float32Array | Float64Array;

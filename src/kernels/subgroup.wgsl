// Subgroup kernels' preamble (the `subgroups` feature). Subgroup s of a workgroup is the invocations
// s·size .. s·size + size - 1 in local_invocation_index order: WGSL does not promise this mapping, so the Gpu checks
// it on the device before it reports subgroups usable (Gpu.hasSubgroups). The subgroup operations that follow run
// under conditions that are the same across each subgroup, which WGSL's uniformity analysis cannot see: its
// subgroup_uniformity diagnostic is off.
enable subgroups;
diagnostic(off, subgroup_uniformity);

// This invocation's subgroup within its workgroup.
fn subgroup_index(local_index: u32, size: u32) -> u32 {
  return local_index / size;
}

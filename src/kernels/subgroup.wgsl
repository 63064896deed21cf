// Subgroup kernels' preamble (the `subgroups` feature). Work goes to subgroups by ticket: each subgroup takes the
// next item from a workgroup counter, so nothing depends on how invocations map to subgroups or on the subgroup
// size. The subgroup operations that follow then run under conditions that are the same across each subgroup, which
// WGSL's uniformity analysis cannot see: its subgroup_uniformity diagnostic is off.
enable subgroups;
diagnostic(off, subgroup_uniformity);

var<workgroup> subgroup_tickets: atomic<u32>;

// The next ticket of this subgroup (0, 1, 2, ... across the workgroup), the same in all its invocations.
fn next_ticket() -> u32 {
  var ticket = 0u;
  if (subgroupElect()) {
    ticket = atomicAdd(&subgroup_tickets, 1u);
  }
  return subgroupBroadcastFirst(ticket);
}

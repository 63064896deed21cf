import type { Floats } from '../types';
import { silu, siluDerivative, type SwigluLayout } from './swiglu.ref';

export interface SwigluBackwardArgs<Buf> extends SwigluLayout {
  dout: Buf; // (rows, F) ∂loss/∂out
  gate: Buf; // the forward's inputs, in the SwigluLayout
  up: Buf;
  dgate: Buf; // written in the gate's layout: ∂loss/∂gate
  dup: Buf; // written in the up's layout: ∂loss/∂up; may be dgate (one fused (rows, 2F) gradient buffer)
}

/** dgate = dout·up·silu'(gate), dup = dout·silu(gate). */
export function swigluBackwardRef(args: SwigluBackwardArgs<Floats>): void {
  const { dout, gate, up, dgate, dup, rows, F, inStride = F, gateCol = 0, upCol = 0 } = args;
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < F; f++) {
      const g = r * inStride + gateCol + f;
      const u = r * inStride + upCol + f;
      const d = dout[r * F + f];
      const [gateValue, upValue] = [gate[g], up[u]];
      dgate[g] = d * upValue * siluDerivative(gateValue);
      dup[u] = d * silu(gateValue);
    }
  }
}

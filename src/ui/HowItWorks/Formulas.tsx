// The formulas of the walkthrough in MathML (rendered by the browser; read out by screen readers as math).

import type { ReactNode } from 'react';

function Formula({ children, label }: { children: ReactNode; label: string }) {
  return (
    <div className="hiw-formula" data-testid="hiw-formula">
      <math display="block" aria-label={label}>
        {children}
      </math>
    </div>
  );
}

const Sub = ({ base, sub }: { base: ReactNode; sub: ReactNode }) => (
  <msub>
    {typeof base === 'string' ? <mi>{base}</mi> : base}
    {typeof sub === 'string' ? <mi>{sub}</mi> : sub}
  </msub>
);

export function EmbeddingFormula({ positions, tokenTypes }: { positions: 'learned' | 'sinusoidal' | 'rotary'; tokenTypes: boolean }) {
  return (
    <Formula label="x sub t equals the token embedding row of id t plus the position row t">
      <Sub base="x" sub="t" />
      <mo>=</mo>
      <Sub base="E" sub={<mrow><mi>id</mi><mo>(</mo><mi>t</mi><mo>)</mo></mrow>} />
      {positions !== 'rotary' && (
        <>
          <mo>+</mo>
          <Sub base="P" sub="t" />
        </>
      )}
      {tokenTypes && (
        <>
          <mo>+</mo>
          <Sub base="S" sub={<mrow><mi>type</mi><mo>(</mo><mi>t</mi><mo>)</mo></mrow>} />
        </>
      )}
    </Formula>
  );
}

export function SinusoidalFormula() {
  return (
    <Formula label="P of t, 2i equals sine of t over 10000 to the 2i over d; P of t, 2i plus 1 equals the cosine">
      <Sub base="P" sub={<mrow><mi>t</mi><mo>,</mo><mn>2</mn><mi>i</mi></mrow>} />
      <mo>=</mo>
      <mi>sin</mi>
      <mo>(</mo>
      <mfrac>
        <mi>t</mi>
        <msup>
          <mn>10000</mn>
          <mrow><mn>2</mn><mi>i</mi><mo>/</mo><mi>d</mi></mrow>
        </msup>
      </mfrac>
      <mo>)</mo>
      <mo>,</mo>
      <mspace width="1em" />
      <Sub base="P" sub={<mrow><mi>t</mi><mo>,</mo><mn>2</mn><mi>i</mi><mo>+</mo><mn>1</mn></mrow>} />
      <mo>=</mo>
      <mi>cos</mi>
      <mo>(</mo><mo>…</mo><mo>)</mo>
    </Formula>
  );
}

export function RotaryFormula({ dim, base, scale }: { dim: number; base: number; scale: number }) {
  return (
    <Formula label={`theta of position t, pair i equals t over ${scale} times ${base} to the minus 2i over ${dim}`}>
      <Sub base="θ" sub={<mrow><mi>t</mi><mo>,</mo><mi>i</mi></mrow>} />
      <mo>=</mo>
      {scale !== 1 ? (
        <mfrac>
          <mi>t</mi>
          <mn>{scale}</mn>
        </mfrac>
      ) : (
        <mi>t</mi>
      )}
      <mo>·</mo>
      <msup>
        <mn>{base}</mn>
        <mrow><mo>−</mo><mn>2</mn><mi>i</mi><mo>/</mo><mn>{dim}</mn></mrow>
      </msup>
      <mo>,</mo>
      <mspace width="1em" />
      <mo>(</mo>
      <Sub base="q" sub="i" />
      <mo>,</mo>
      <Sub base="q" sub={<mrow><mi>i</mi><mo>+</mo><mn>{dim / 2}</mn></mrow>} />
      <mo>)</mo>
      <mo>↦</mo>
      <mtext>rotated by </mtext>
      <Sub base="θ" sub={<mrow><mi>t</mi><mo>,</mo><mi>i</mi></mrow>} />
    </Formula>
  );
}

export function NormFormula({ kind }: { kind: 'layernorm' | 'rmsnorm' }) {
  if (kind === 'rmsnorm') {
    return (
      <Formula label="RMSNorm of x equals gamma times x over the square root of the mean of x squared plus epsilon">
        <mi>RMSNorm</mi><mo>(</mo><mi>x</mi><mo>)</mo>
        <mo>=</mo>
        <mi>γ</mi><mo>⊙</mo>
        <mfrac>
          <mi>x</mi>
          <msqrt>
            <mfrac><mn>1</mn><mi>C</mi></mfrac>
            <mo>∑</mo>
            <msup><Sub base="x" sub="c" /><mn>2</mn></msup>
            <mo>+</mo><mi>ε</mi>
          </msqrt>
        </mfrac>
      </Formula>
    );
  }
  return (
    <Formula label="LayerNorm of x equals gamma times x minus mu over the square root of sigma squared plus epsilon, plus beta">
      <mi>LN</mi><mo>(</mo><mi>x</mi><mo>)</mo>
      <mo>=</mo>
      <mi>γ</mi><mo>⊙</mo>
      <mfrac>
        <mrow><mi>x</mi><mo>−</mo><mi>μ</mi></mrow>
        <msqrt><msup><mi>σ</mi><mn>2</mn></msup><mo>+</mo><mi>ε</mi></msqrt>
      </mfrac>
      <mo>+</mo><mi>β</mi>
    </Formula>
  );
}

export function QkvFormula() {
  return (
    <Formula label="q equals x W Q, k equals x W K, v equals x W V, each plus its bias where the model has one">
      <mi>q</mi><mo>=</mo><mi>x</mi><Sub base="W" sub="Q" /><mo>,</mo>
      <mspace width="0.6em" />
      <mi>k</mi><mo>=</mo><mi>x</mi><Sub base="W" sub="K" /><mo>,</mo>
      <mspace width="0.6em" />
      <mi>v</mi><mo>=</mo><mi>x</mi><Sub base="W" sub="V" />
      <mspace width="0.6em" />
      <mtext>(+ biases)</mtext>
    </Formula>
  );
}

export function ScoresFormula({ D }: { D: number }) {
  return (
    <Formula label={`s i j equals q i dot k j over the square root of d k, with d k equal to ${D}`}>
      <Sub base="s" sub={<mrow><mi>i</mi><mi>j</mi></mrow>} />
      <mo>=</mo>
      <mfrac>
        <mrow><Sub base="q" sub="i" /><mo>·</mo><Sub base="k" sub="j" /></mrow>
        <msqrt><Sub base="d" sub="k" /></msqrt>
      </mfrac>
      <mo>,</mo>
      <mspace width="0.6em" />
      <Sub base="d" sub="k" /><mo>=</mo><mn>{D}</mn>
    </Formula>
  );
}

export function MaskFormula({ causal }: { causal: boolean }) {
  return (
    <Formula label={causal ? 's i j becomes minus infinity where j is after i' : 's i j becomes minus infinity where key j is padding'}>
      <Sub base="s" sub={<mrow><mi>i</mi><mi>j</mi></mrow>} />
      <mo>←</mo>
      <mo>−</mo><mi>∞</mi>
      <mspace width="0.6em" />
      <mtext>{causal ? 'where j > i (a later token)' : 'where key j is padding'}</mtext>
    </Formula>
  );
}

export function SoftmaxFormula() {
  return (
    <Formula label="p i j equals e to the s i j over the sum over j prime of e to the s i j prime">
      <Sub base="p" sub={<mrow><mi>i</mi><mi>j</mi></mrow>} />
      <mo>=</mo>
      <mfrac>
        <msup><mi>e</mi><Sub base="s" sub={<mrow><mi>i</mi><mi>j</mi></mrow>} /></msup>
        <mrow>
          <munder><mo>∑</mo><mrow><mi>j</mi><mo>′</mo></mrow></munder>
          <msup><mi>e</mi><Sub base="s" sub={<mrow><mi>i</mi><mi>j</mi><mo>′</mo></mrow>} /></msup>
        </mrow>
      </mfrac>
    </Formula>
  );
}

export function MixFormula() {
  return (
    <Formula label="o i equals the sum over j of p i j times v j">
      <Sub base="o" sub="i" />
      <mo>=</mo>
      <munder><mo>∑</mo><mi>j</mi></munder>
      <Sub base="p" sub={<mrow><mi>i</mi><mi>j</mi></mrow>} />
      <Sub base="v" sub="j" />
    </Formula>
  );
}

export function ProjectFormula({ H }: { H: number }) {
  return (
    <Formula label={`attention output equals the concatenation of heads 1 to ${H} times W O`}>
      <mi>Attn</mi><mo>(</mo><mi>x</mi><mo>)</mo>
      <mo>=</mo>
      <mi>Concat</mi><mo>(</mo>
      <Sub base="o" sub={<mn>1</mn>} /><mo>,</mo><mo>…</mo><mo>,</mo><Sub base="o" sub={<mn>{H}</mn>} />
      <mo>)</mo>
      <Sub base="W" sub="O" />
    </Formula>
  );
}

export function ResidualFormula({ prenorm, branch, parallel }: { prenorm: boolean; branch: 'Attn' | 'FFN'; parallel?: boolean }) {
  if (parallel) {
    return (
      <Formula label="x prime equals x plus attention of L N 1 of x plus F F N of L N 2 of x">
        <msup><mi>x</mi><mo>′</mo></msup><mo>=</mo><mi>x</mi>
        <mo>+</mo><mi>Attn</mi><mo>(</mo><Sub base="LN" sub={<mn>1</mn>} /><mo>(</mo><mi>x</mi><mo>)</mo><mo>)</mo>
        <mo>+</mo><mi>FFN</mi><mo>(</mo><Sub base="LN" sub={<mn>2</mn>} /><mo>(</mo><mi>x</mi><mo>)</mo><mo>)</mo>
      </Formula>
    );
  }
  return prenorm ? (
    <Formula label={`x prime equals x plus ${branch} of the norm of x`}>
      <msup><mi>x</mi><mo>′</mo></msup><mo>=</mo><mi>x</mi><mo>+</mo>
      <mi>{branch}</mi><mo>(</mo><mi>Norm</mi><mo>(</mo><mi>x</mi><mo>)</mo><mo>)</mo>
    </Formula>
  ) : (
    <Formula label={`x prime equals LayerNorm of x plus ${branch} of x`}>
      <msup><mi>x</mi><mo>′</mo></msup><mo>=</mo><mi>LN</mi><mo>(</mo><mi>x</mi><mo>+</mo>
      <mi>{branch}</mi><mo>(</mo><mi>x</mi><mo>)</mo><mo>)</mo>
    </Formula>
  );
}

export function FfnFormula({ swiglu, activation }: { swiglu: boolean; activation: string }) {
  if (swiglu) {
    return (
      <Formula label="F F N of x equals SiLU of x W gate, times x W up, times W down">
        <mi>FFN</mi><mo>(</mo><mi>x</mi><mo>)</mo><mo>=</mo>
        <mo>(</mo><mi>SiLU</mi><mo>(</mo><mi>x</mi><Sub base="W" sub="gate" /><mo>)</mo><mo>⊙</mo><mi>x</mi><Sub base="W" sub="up" /><mo>)</mo>
        <Sub base="W" sub="down" />
      </Formula>
    );
  }
  return (
    <Formula label={`F F N of x equals ${activation} of x W 1 plus b 1, times W 2, plus b 2`}>
      <mi>FFN</mi><mo>(</mo><mi>x</mi><mo>)</mo><mo>=</mo>
      <mi>{activation}</mi><mo>(</mo><mi>x</mi><Sub base="W" sub={<mn>1</mn>} /><mo>+</mo><Sub base="b" sub={<mn>1</mn>} /><mo>)</mo>
      <Sub base="W" sub={<mn>2</mn>} /><mo>+</mo><Sub base="b" sub={<mn>2</mn>} />
    </Formula>
  );
}

export function LogitsFormula({ encoder }: { encoder: boolean }) {
  return encoder ? (
    <Formula label="logits equal the masked-LM head of h: a dense layer, its activation and LayerNorm, then E transposed plus a bias">
      <mi>z</mi><mo>=</mo><mi>LN</mi><mo>(</mo><mi>act</mi><mo>(</mo><mi>h</mi><Sub base="W" sub="d" /><mo>)</mo><mo>)</mo>
      <msup><mi>E</mi><mo>⊤</mo></msup><mo>+</mo><mi>b</mi>
    </Formula>
  ) : (
    <Formula label="logits equal the final norm of h times the LM head, E transposed when tied">
      <mi>z</mi><mo>=</mo><Sub base="Norm" sub="f" /><mo>(</mo><mi>h</mi><mo>)</mo><msup><mi>W</mi><mi>LM</mi></msup>
    </Formula>
  );
}

export function TemperatureFormula() {
  return (
    <Formula label="p i equals e to the z i over tau, over the sum over j of e to the z j over tau">
      <Sub base="p" sub="i" />
      <mo>=</mo>
      <mfrac>
        <msup><mi>e</mi><mrow><Sub base="z" sub="i" /><mo>/</mo><mi>τ</mi></mrow></msup>
        <mrow><munder><mo>∑</mo><mi>j</mi></munder><msup><mi>e</mi><mrow><Sub base="z" sub="j" /><mo>/</mo><mi>τ</mi></mrow></msup></mrow>
      </mfrac>
    </Formula>
  );
}

// MathML Core elements in JSX (Chromium, Firefox and Safari render them natively; React creates them in the MathML
// namespace inside <math>). @types/react declares HTML and SVG only.
import 'react';

type MathProps = React.HTMLAttributes<HTMLElement> & { display?: 'block' | 'inline'; mathvariant?: string; stretchy?: string };

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      math: MathProps;
      mrow: MathProps;
      mi: MathProps;
      mn: MathProps;
      mo: MathProps;
      mtext: MathProps;
      msub: MathProps;
      msup: MathProps;
      msubsup: MathProps;
      mfrac: MathProps;
      msqrt: MathProps;
      munder: MathProps;
      munderover: MathProps;
      mover: MathProps;
      mspace: MathProps & { width?: string };
    }
  }
}

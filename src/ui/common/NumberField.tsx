import { useEffect, useId, useState, type ReactNode } from 'react';

interface Props {
  label: ReactNode;
  /** The field's name in messages ("Temperature"). */
  name: string;
  value: number;
  min: number;
  max: number;
  integer?: boolean;
  onChange: (value: number) => void;
  className?: string;
  testId?: string;
  /** For a label that is not shown. */
  ariaLabel?: string;
  /** A short note under the field ("0 = greedy"). */
  hint?: string;
}

/** The number a text means, or a sentence saying what is allowed. */
export function parseNumber(text: string, { name, min, max, integer }: Pick<Props, 'name' | 'min' | 'max' | 'integer'>): number | string {
  const trimmed = text.trim();
  const value = trimmed === '' ? NaN : Number(trimmed);
  const kind = integer ? 'a whole number' : 'a number';
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value))) return `${name} must be ${kind} from ${min} to ${max}${trimmed ? `, not "${trimmed.slice(0, 20)}"` : ''}.`;
  if (value < min || value > max) return `${name} must be ${kind} from ${min} to ${max}, not ${value}.`;
  return value;
}

/**
 * A number edited as text: what is typed stays as typed ("", ".5", "025"), every valid value is passed on at once, and
 * an invalid one is named in a message when the field loses focus (the last valid value stays in effect).
 */
export function NumberField({ label, name, value, min, max, integer, onChange, className = 'field small', testId, ariaLabel, hint }: Props) {
  const [text, setText] = useState(String(value));
  const [message, setMessage] = useState<string>();
  const inputId = useId();
  const messageId = `${inputId}-message`;
  const hintId = `${inputId}-hint`;
  // A value changed from outside (a reset, another model's defaults) replaces what is shown, unless it is what the
  // text already means.
  useEffect(() => {
    setText((current) => (parseNumber(current, { name, min, max, integer }) === value ? current : String(value)));
  }, [value, name, min, max, integer]);
  const edit = (next: string) => {
    setText(next);
    const parsed = parseNumber(next, { name, min, max, integer });
    if (typeof parsed === 'number') {
      setMessage(undefined);
      if (parsed !== value) onChange(parsed);
    }
  };
  const blur = () => {
    const parsed = parseNumber(text, { name, min, max, integer });
    setMessage(typeof parsed === 'string' ? parsed : undefined);
  };
  return (
    <div className={className}>
      <label htmlFor={inputId}>{label}</label>
      <input
        id={inputId}
        type="text"
        inputMode={integer ? 'numeric' : 'decimal'}
        value={text}
        onChange={(event) => edit(event.target.value)}
        onBlur={blur}
        aria-invalid={message ? true : undefined}
        aria-describedby={[hint && hintId, message && messageId].filter(Boolean).join(' ') || undefined}
        aria-label={ariaLabel}
        data-testid={testId}
      />
      {hint && <span id={hintId} className="field-hint muted">{hint}</span>}
      {message && <span id={messageId} className="field-message error" role="alert">{message}</span>}
    </div>
  );
}

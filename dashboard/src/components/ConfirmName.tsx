import type { Ref } from 'preact';

/**
 * The name typed back before a change that needs it (a protected environment or fleet, a restore): Confirm
 * stays disabled until the text is exactly `name`, so a reviewer cannot confirm the wrong target by habit.
 */
export function ConfirmName({
  why,
  name,
  value,
  onInput,
  inputRef,
}: {
  /** The sentence before "Type X to confirm": `prod is protected.` */
  why: string;
  name: string;
  value: string;
  onInput: (value: string) => void;
  inputRef?: Ref<HTMLInputElement>;
}) {
  return (
    <label class="field">
      <span>
        {why} Type <strong>{name}</strong> to confirm
      </span>
      <input
        ref={inputRef}
        type="text"
        value={value}
        autoComplete="off"
        spellcheck={false}
        onInput={(e) => onInput((e.target as HTMLInputElement).value)}
      />
    </label>
  );
}

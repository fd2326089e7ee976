/** How many of the newest migrations a rollback reverts: a whole number, never below one. */
export function StepsInput({
  value,
  onChange,
  label,
}: {
  value: number;
  onChange: (n: number) => void;
  label: string;
}) {
  return (
    <label class="inline">
      Steps{' '}
      <input
        type="number"
        min={1}
        value={value}
        onInput={(e) => onChange(Math.max(1, Math.floor(Number((e.target as HTMLInputElement).value)) || 1))}
        aria-label={label}
      />
    </label>
  );
}

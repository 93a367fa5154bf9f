// A filter drop-down: "all" first (the empty value), then the given choices. The desk's agent
// list, the wallboard's filters and the admin console's searches all use it.

export interface Choice {
  value: string | number;
  label: string;
}

export function ChoiceSelect(props: {
  value: string;
  onChange: (v: string) => void;
  label: string;
  testid: string;
  /** The first entry, meaning "no filter"; its value is "". */
  all: string;
  choices: readonly Choice[];
}) {
  return (
    <select value={props.value} onChange={(e) => props.onChange(e.target.value)} aria-label={props.label} data-testid={props.testid}>
      <option value="">{props.all}</option>
      {props.choices.map((c) => (
        <option key={c.value} value={c.value}>
          {c.label}
        </option>
      ))}
    </select>
  );
}

/** A brand's services as choices (code → name). */
export function serviceChoices(services: readonly { code: string; name: string }[]): Choice[] {
  return services.map((s) => ({ value: s.code, label: s.name }));
}

import { useEffect, useState } from 'react';
import { useConsole } from '../context';

/** The operator's name, set once (localStorage): who acknowledgements are recorded as. */
export function OperatorField() {
  const operator = useConsole((s) => s.operator);
  const setOperator = useConsole((s) => s.setOperator);
  const [draft, setDraft] = useState(operator);
  // The name can be set elsewhere (the acknowledge dialog asks it the first time): show it at once.
  useEffect(() => setDraft(operator), [operator]);
  return (
    <label className="operator" title="your name on acknowledgements">
      operator
      <input
        data-testid="operator-name"
        className="input input-operator"
        value={draft}
        placeholder="set your name"
        maxLength={80}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={() => setOperator(draft)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') e.currentTarget.blur();
        }}
      />
    </label>
  );
}

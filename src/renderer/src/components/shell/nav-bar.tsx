import { VIEWS } from '../../store/ui-slice';
import { useConsole } from '../context';

/** View buttons; 1-5 on the keyboard do the same. */
export function NavBar() {
  const view = useConsole((s) => s.view);
  const setView = useConsole((s) => s.setView);
  const openAlerts = useConsole((s) => Object.keys(s.active).length);
  return (
    <nav className="nav">
      {VIEWS.map((v, i) => (
        <button
          key={v.id}
          type="button"
          className={v.id === view ? 'nav-btn active' : 'nav-btn'}
          data-testid={`nav-${v.id}`}
          aria-pressed={v.id === view}
          onClick={() => setView(v.id)}
          title={`${v.label} (${i + 1})`}
        >
          <span className="nav-key">{i + 1}</span> {v.label}
          {v.id === 'alerts' && openAlerts > 0 ? <span className="nav-count">{openAlerts}</span> : null}
        </button>
      ))}
    </nav>
  );
}

import { useShallow } from 'zustand/react/shallow';
import { alertBadge } from '../../store/alerts-slice';
import { VIEWS } from '../../store/ui-slice';
import { useConsole } from '../context';
import { useNow } from '../use-now';

/** View buttons; 1-5 on the keyboard do the same. */
export function NavBar() {
  const view = useConsole((s) => s.view);
  const setView = useConsole((s) => s.setView);
  const wall = useNow(1000);
  // Silences run on the engine's wall clock; a silenced or acknowledged alert is handled, so it does not count as one needing someone.
  const badge = useConsole(useShallow((s) => alertBadge(s.active, s.silences, wall + s.clockOffsetMs)));
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
          {v.id === 'alerts' && badge ? (
            <span className={badge.muted ? 'nav-count muted' : 'nav-count'} title={badge.title} data-testid="nav-alert-count">
              {badge.text}
            </span>
          ) : null}
        </button>
      ))}
    </nav>
  );
}

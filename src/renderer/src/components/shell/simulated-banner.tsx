import { useConsole } from '../context';

/** Always on screen while the engine runs the simulator: nobody must take simulated data for a market. */
export function SimulatedBanner() {
  const simulated = useConsole((s) => s.simulated);
  const mode = useConsole((s) => s.mode);
  if (!simulated) return null;
  return (
    <div className="banner banner-simulated" data-testid="simulated-banner" role="status">
      SIMULATED DATA{mode?.kind === 'demo' ? ` — scenario ${mode.scenario}` : ''}
    </div>
  );
}

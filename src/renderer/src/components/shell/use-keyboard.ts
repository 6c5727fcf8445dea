import { useEffect } from 'react';
import type { ConsoleClient } from '../../api/connection';
import type { ConsoleStore } from '../../store/console-store';
import { stepSelection, visibleAlertIds, visibleOverviewKeys } from '../../store/selectors';
import { VIEWS } from '../../store/ui-slice';

const isTyping = (el: Element | null): boolean =>
  el instanceof HTMLElement && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));

/**
 * The desk's keyboard map (see KeyHints). One window listener reading the
 * store on demand, so it never re-renders anything by itself. Keys typed in
 * a field stay in the field; Esc leaves it.
 */
export function useKeyboard(store: ConsoleStore, client: ConsoleClient): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const s = store.getState();
      if (e.key === 'Escape') {
        if (s.ackTarget !== null) s.openAck(null);
        else if (isTyping(document.activeElement)) (document.activeElement as HTMLElement).blur();
        return;
      }
      if (isTyping(e.target as Element) || s.ackTarget !== null) return;
      const onButton = e.target instanceof HTMLButtonElement;
      const handled = handleKey(e.key, onButton, store, client);
      if (handled) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, client]);
}

function handleKey(key: string, onButton: boolean, store: ConsoleStore, client: ConsoleClient): boolean {
  const s = store.getState();
  const digit = Number(key);
  if (Number.isInteger(digit) && digit >= 1 && digit <= VIEWS.length) {
    s.setView(VIEWS[digit - 1]!.id);
    return true;
  }
  switch (key) {
    case '/': {
      const filter = document.querySelector<HTMLInputElement>('[data-filter]');
      filter?.focus();
      filter?.select();
      return filter !== null;
    }
    case 'j':
    case 'ArrowDown':
      return move(store, 1);
    case 'k':
    case 'ArrowUp':
      return move(store, -1);
    case 's':
      if (s.view !== 'overview') return false;
      s.resort();
      return true;
    case 'Enter': {
      if (onButton) return false; // Enter on a focused button presses it
      const key = s.view === 'overview' ? s.overviewSel : s.view === 'alerts' && s.alertSel ? (s.active[s.alertSel]?.key ?? null) : null;
      if (key === null) return false;
      s.selectInstrument(key);
      s.setView('instrument');
      return true;
    }
    case 'a': {
      if (s.view !== 'alerts' || s.alertSel === null) return false;
      const alert = s.active[s.alertSel];
      if (!alert || alert.acknowledged) return false;
      s.openAck(alert.id);
      return true;
    }
    case ' ': {
      if (onButton || s.view !== 'replay' || !s.replay) return false;
      const action = s.replay.state === 'playing' ? 'pause' : 'play';
      void client.controlReplay({ action }).catch(() => undefined);
      return true;
    }
    default:
      return false;
  }
}

function move(store: ConsoleStore, delta: number): boolean {
  const s = store.getState();
  if (s.view === 'overview') {
    s.setOverviewSel(stepSelection(visibleOverviewKeys(s), s.overviewSel, delta));
    return true;
  }
  if (s.view === 'alerts') {
    s.setAlertSel(stepSelection(visibleAlertIds(s), s.alertSel, delta));
    return true;
  }
  return false;
}

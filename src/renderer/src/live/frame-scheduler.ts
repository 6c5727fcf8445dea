import type { FlushScheduler } from './event-pump';

/** The page's scheduler: the next animation frame, or 250 ms when the tab is hidden (frames stop, alerts must not pile up). */
export const frameScheduler: FlushScheduler = (flush) => {
  let done = false;
  const run = (): void => {
    if (done) return;
    done = true;
    flush();
  };
  requestAnimationFrame(run);
  setTimeout(run, 250);
};

export interface SignalWait {
  /** Resolves on the first Ctrl-C or SIGTERM after the call. */
  readonly signal: Promise<NodeJS.Signals>;
  /** Stops listening (the command ends without a signal). */
  cancel(): void;
}

/**
 * Listens for Ctrl-C and SIGTERM from the call on. Call it before the line
 * that tells a reader the command is up: a signal sent on reading that line
 * (a service manager, a script, a test) must find the handler installed, or
 * the default action kills the process before it closes its history. Once
 * the first signal arrived, a second one takes the default action, so a
 * second Ctrl-C ends a stop that hangs.
 */
export function untilSignal(): SignalWait {
  let cancel = (): void => {};
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    const done = (received: NodeJS.Signals) => {
      cancel();
      resolve(received);
    };
    cancel = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
  return { signal, cancel: () => cancel() };
}

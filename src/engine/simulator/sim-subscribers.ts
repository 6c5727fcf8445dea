import type { SimClient } from './sim-server-sockets';

/**
 * Who follows each stream of one simulated venue: a broadcast looks its
 * stream up instead of asking every client, which at a whole market (a few
 * dozen sockets, ten thousand messages a second) was most of the server's
 * own work.
 */
export class SimSubscribers {
  private readonly byStream = new Map<string, Set<SimClient>>();

  /** Clients subscribed to `stream` (empty when none). */
  of(stream: string): ReadonlySet<SimClient> {
    return this.byStream.get(stream) ?? NONE;
  }

  /** A client's stream set that keeps this index in step as the client subscribes and unsubscribes. */
  streamsFor(client: () => SimClient): Set<string> {
    const index = this.byStream;
    class IndexedStreams extends Set<string> {
      override add(stream: string): this {
        if (!this.has(stream)) {
          let set = index.get(stream);
          if (!set) index.set(stream, (set = new Set()));
          set.add(client());
        }
        return super.add(stream);
      }
      override delete(stream: string): boolean {
        const set = index.get(stream);
        if (set) {
          set.delete(client());
          if (set.size === 0) index.delete(stream);
        }
        return super.delete(stream);
      }
      override clear(): void {
        for (const stream of [...this]) this.delete(stream);
      }
    }
    return new IndexedStreams();
  }
}

const NONE: ReadonlySet<SimClient> = new Set();

import type { TabChannel, TabCoordination, TabMessage } from "../sync/tabChannel";

interface Request {
  waiting(): void;
  granted(): void;
}

/**
 * One browser's Web Locks and BroadcastChannels, in memory. Like the browser's, a lock goes to
 * one holder at a time and to the next in line when released, and a channel delivers to every
 * other member, later (in a microtask, so `settle()` lets it through), never to the sender.
 */
export class FakeBrowserTabs {
  private readonly holders = new Map<string, Request>();
  private readonly queues = new Map<string, Request[]>();
  private readonly members = new Map<string, Set<(message: TabMessage) => void>>();
  /** Every message posted, in order, for assertions. */
  readonly posted: TabMessage[] = [];

  /** A tab's view of the browser; `crash()` drops the tab as a closed or killed tab is dropped. */
  tab(): TabCoordination & { crash(): void } {
    const releases: Array<() => void> = [];
    const channels: TabChannel[] = [];
    return {
      acquire: (name, request) => {
        const release = this.acquire(name, request);
        releases.push(release);
        return release;
      },
      open: (name, onMessage) => {
        const channel = this.open(name, onMessage);
        channels.push(channel);
        return channel;
      },
      // The browser frees a dead tab's locks and channels; the tab runs no code of its own.
      crash: () => {
        for (const release of releases) release();
        for (const channel of channels) channel.close();
      },
    };
  }

  holderCount(name: string): number {
    return this.holders.has(name) ? 1 : 0;
  }

  private acquire(name: string, request: Request): () => void {
    if (this.holders.has(name)) {
      queueMicrotask(() => request.waiting());
      this.queues.set(name, [...(this.queues.get(name) ?? []), request]);
    } else {
      this.holders.set(name, request);
      queueMicrotask(() => request.granted());
    }
    return () => {
      if (this.holders.get(name) === request) {
        this.holders.delete(name);
        const [next, ...rest] = this.queues.get(name) ?? [];
        this.queues.set(name, rest);
        if (next) {
          this.holders.set(name, next);
          queueMicrotask(() => next.granted());
        }
      } else {
        this.queues.set(name, (this.queues.get(name) ?? []).filter((queued) => queued !== request));
      }
    };
  }

  private open(name: string, onMessage: (message: TabMessage) => void): TabChannel {
    const members = this.members.get(name) ?? new Set();
    this.members.set(name, members);
    const self = (message: TabMessage) => onMessage(message);
    members.add(self);
    return {
      post: (message) => {
        this.posted.push(message);
        for (const member of [...members]) {
          if (member !== self) queueMicrotask(() => members.has(member) && member(message));
        }
      },
      close: () => members.delete(self),
    };
  }
}

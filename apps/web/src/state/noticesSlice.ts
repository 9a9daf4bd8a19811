import type { StateCreator } from "zustand/vanilla";
import type { AppState } from "./appState";

export type NoticeTone = "error" | "info";

export interface Notice {
  readonly id: number;
  readonly message: string;
  readonly tone: NoticeTone;
}

/** Older notices give way beyond this many, so a burst of failures cannot cover the screen. */
export const MAX_NOTICES = 4;

export interface NoticesSlice {
  /** Messages the user must see (failed writes, an ended session); each stays until dismissed. */
  notices: readonly Notice[];
  notify(message: string, tone?: NoticeTone): void;
  dismissNotice(id: number): void;
}

export const createNoticesSlice: StateCreator<AppState, [], [], NoticesSlice> = (set) => {
  let nextId = 1;
  return {
    notices: [],
    notify: (message, tone = "error") =>
      set((state) => ({ notices: [...state.notices, { id: nextId++, message, tone }].slice(-MAX_NOTICES) })),
    dismissNotice: (id) => set((state) => ({ notices: state.notices.filter((notice) => notice.id !== id) })),
  };
};

import type { User } from '@tandem/shared';
import { create, type StateCreator } from 'zustand';
import { api } from '../lib/api';
import type { GoalsView } from '../lib/goalsSync';
import { closeSocket } from '../lib/socket';

/** Who is signed in. 'unknown' until the first /me answer. */
export interface AuthSlice {
  authStatus: 'unknown' | 'signedIn' | 'signedOut';
  user: User | null;
  loadMe(): Promise<void>;
  setUser(user: User | null): void;
  signOut(): Promise<void>;
}

const createAuthSlice: StateCreator<AppState, [], [], AuthSlice> = (set) => ({
  authStatus: 'unknown',
  user: null,
  async loadMe() {
    const res = await api.me();
    set(res.ok ? { user: res.data.user, authStatus: 'signedIn' } : { user: null, authStatus: 'signedOut' });
  },
  setUser(user) {
    set({ user, authStatus: user ? 'signedIn' : 'signedOut' });
  },
  async signOut() {
    await api.signOut();
    closeSocket();
    set({ user: null, authStatus: 'signedOut' });
  },
});

/** Messages from the other person not read yet, per mentorship (kept live by useUnread). */
export interface UnreadSlice {
  unread: Record<string, number>;
  setUnread(unread: Record<string, number>): void;
}

const createUnreadSlice: StateCreator<AppState, [], [], UnreadSlice> = (set) => ({
  unread: {},
  setUnread(unread) {
    set({ unread });
  },
});

/** The open goals panel. Only the goals adapter (GoalsSync) writes it. */
export interface GoalsSlice {
  goals: GoalsView | null;
  setGoalsView(view: GoalsView | null): void;
}

const createGoalsSlice: StateCreator<AppState, [], [], GoalsSlice> = (set) => ({
  goals: null,
  setGoalsView(view) {
    set({ goals: view });
  },
});

/** The one store, made of slices. */
export type AppState = AuthSlice & GoalsSlice & UnreadSlice;

export const useAppStore = create<AppState>()((...a) => ({
  ...createAuthSlice(...a),
  ...createGoalsSlice(...a),
  ...createUnreadSlice(...a),
}));

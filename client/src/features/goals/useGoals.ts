import type { GoalCommand } from '@tandem/shared';
import { useCallback, useEffect, useRef } from 'react';
import { GoalsSync } from '../../lib/goalsSync';
import { getSocket } from '../../lib/socket';
import { useAppStore } from '../../store';

/** Opens a session's goals: the adapter feeds the store; components read it and send commands. */
export function useGoals(sessionId: string) {
  const setGoalsView = useAppStore((s) => s.setGoalsView);
  const syncRef = useRef<GoalsSync | null>(null);
  useEffect(() => {
    const sync = new GoalsSync(getSocket(), sessionId);
    syncRef.current = sync;
    const stop = sync.subscribe(() => setGoalsView(sync.current));
    setGoalsView(sync.current);
    return () => {
      stop();
      sync.destroy();
      syncRef.current = null;
      setGoalsView(null);
    };
  }, [sessionId, setGoalsView]);
  return useCallback((command: GoalCommand) => syncRef.current?.run(command), []);
}

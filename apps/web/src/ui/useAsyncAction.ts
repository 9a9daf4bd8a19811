import { useCallback, useEffect, useRef, useState } from "react";
import { errorMessage } from "../api/errors";

export interface AsyncAction {
  pending: boolean;
  /** Why the last run failed, as a sentence for people; null after a success or a new run. */
  error: string | null;
  /** Runs `work` unless a run is already going; resolves true when it succeeded. */
  run(work: () => Promise<void>): Promise<boolean>;
  clearError(): void;
}

/**
 * The pending / error state of one button or form that asks the server something. A run that
 * ends after the component is gone (the session ended meanwhile) changes nothing.
 */
export function useAsyncAction(describe: (error: unknown) => string = errorMessage): AsyncAction {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const mounted = useRef(true);
  const running = useRef(false);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const run = useCallback(
    async (work: () => Promise<void>) => {
      if (running.current) return false;
      running.current = true;
      setPending(true);
      setError(null);
      try {
        await work();
        return true;
      } catch (failure) {
        if (mounted.current) setError(describe(failure));
        return false;
      } finally {
        running.current = false;
        if (mounted.current) setPending(false);
      }
    },
    [describe],
  );
  return { pending, error, run, clearError: useCallback(() => setError(null), []) };
}

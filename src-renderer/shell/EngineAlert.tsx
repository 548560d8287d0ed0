import { useStatusStore } from '../state/status-store';

/** Problems reaching the engine concern every view, so they are shown above all of them. */
export function EngineAlert() {
  const error = useStatusStore((s) => s.error);
  if (!error) return null;
  return (
    <div role="alert" className="engine-alert">
      {error}
    </div>
  );
}

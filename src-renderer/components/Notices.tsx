import { useNoticesStore } from '../state/notices-store';

/** The corner where short results of actions appear; errors stay until dismissed. */
export function Notices() {
  const { notices, dismiss } = useNoticesStore();
  return (
    <div className="notices" aria-live="polite">
      {notices.map((notice) => (
        <div key={notice.id} className={`notice notice-${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'}>
          <span>{notice.text}</span>
          <button type="button" className="icon-button" onClick={() => dismiss(notice.id)} aria-label="Dismiss">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

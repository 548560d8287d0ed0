import { describeError } from '../api/errors';
import { notify } from '../state/notices-store';

export function CopyButton({ text, label, what }: { text: string; label: string; what: string }) {
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      notify('success', `${what} copied.`);
    } catch (err) {
      notify('error', `${what} could not be copied: ${describeError(err)}`);
    }
  };
  return (
    <button type="button" onClick={() => void copy()}>
      {label}
    </button>
  );
}

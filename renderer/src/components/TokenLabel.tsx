import type { TokenTotals } from '../../../electron/shared/api';
import { TOKEN_LABELS } from '../lib/tokens';

/** A token label with its qualifier on a quieter second line ("Input" / "not cached"). */
export function TokenLabel({ tokenKey }: { tokenKey: keyof TokenTotals }) {
  const l = TOKEN_LABELS[tokenKey];
  return (
    <>
      <span className="token-label">{l.label}</span>
      {l.note ? (
        <>
          {' '}
          <span className="token-note">{l.note}</span>
        </>
      ) : null}
    </>
  );
}

import type { EventRecord } from '../../../electron/shared/api';
import { formatNumber } from '../lib/format';
import { costView } from '../lib/cost';
import type { TurnUsage } from '../lib/turns';
import { EventRow } from './EventRow';

/**
 * One line for all the model responses of a turn ("3 model responses · 4,500 tokens · $0.0254"),
 * instead of a token row between every step. Unfolds to the responses themselves.
 */
export function TurnUsageRow({ usage, onOpen, selectedSeq, sessionModel }: { usage: TurnUsage; onOpen(r: EventRecord): void; selectedSeq: number | null; sessionModel: string | null }) {
  if (usage.responses === 0) return null;
  const cost = costView(usage.cost);
  const models = usage.models.length > 1 || (usage.models[0] && usage.models[0] !== sessionModel) ? ` · ${usage.models.join(', ')}` : '';
  const summary = `${usage.responses} model ${usage.responses === 1 ? 'response' : 'responses'} · ${formatNumber(usage.tokens.total)} tokens · ${cost.state === 'unknown' ? cost.detail : cost.text}${models}`;
  return (
    <li className="turn-usage" data-testid="turn-usage">
      <details>
        <summary title={cost.detail}>
          <span>{summary}</span>
          {cost.state === 'partial' ? <span className="faint"> · {cost.detail.split('; ').pop()}</span> : null}
        </summary>
        <ul className="items">
          {usage.records.map((r) => (
            <EventRow key={r.seq} record={r} onOpen={onOpen} selected={selectedSeq === r.seq} />
          ))}
        </ul>
      </details>
    </li>
  );
}

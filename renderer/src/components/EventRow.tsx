import type { KeyboardEvent } from 'react';
import type { EventRecord } from '../../../electron/shared/api';
import { describeEvent } from '../lib/story';
import { formatClock } from '../lib/format';
import { StoryText } from './StoryText';

interface Props {
  record: EventRecord;
  selected?: boolean;
  onOpen(record: EventRecord): void;
  /** Show the date too (search results span days; the live feed does not). */
  showDate?: boolean;
  /** One of the events a finding points at. */
  highlighted?: boolean;
}

/** One event as a sentence. Focusable; Enter or Space opens its detail. */
export function EventRow({ record, selected, onOpen, showDate, highlighted }: Props) {
  const story = describeEvent(record.event);
  const ts = record.event.timestamp;
  const onKeyDown = (e: KeyboardEvent<HTMLLIElement>) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onOpen(record);
    }
  };
  const when = showDate ? new Date(ts).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }) : formatClock(ts);
  return (
    <li
      className="item"
      tabIndex={0}
      data-seq={record.seq}
      data-action={record.event.event?.action}
      data-highlight={highlighted ? 'true' : undefined}
      aria-current={selected ? 'true' : undefined}
      aria-label={`${highlighted ? 'Flagged by a finding: ' : ''}${story.plain}, ${when}. Press Enter for details.`}
      onClick={() => onOpen(record)}
      onKeyDown={onKeyDown}
    >
      <span className="item-icon" data-tone={story.tone} aria-hidden="true">
        {story.icon}
      </span>
      <span className="item-text">
        <StoryText story={story} />
        {story.sub ? <div className="sub">{story.sub}</div> : null}
      </span>
      <time className="item-time" dateTime={ts}>
        {when}
      </time>
    </li>
  );
}

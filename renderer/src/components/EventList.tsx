import type { KeyboardEvent, ReactNode } from 'react';
import type { EventRecord } from '../../../electron/shared/api';
import { EventRow } from './EventRow';

interface Props {
  records: EventRecord[];
  label: string;
  onOpen(record: EventRecord): void;
  selectedSeq?: number | null;
  showDate?: boolean;
  empty?: ReactNode;
  testId?: string;
}

/** Moves focus between sibling rows with the arrow keys, so long lists need not be tabbed through. */
export function onRowArrowKeys(e: KeyboardEvent<HTMLElement>): void {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
  const row = (e.target as HTMLElement).closest('[tabindex="0"]');
  const next = (e.key === 'ArrowDown' ? row?.nextElementSibling : row?.previousElementSibling) as HTMLElement | null;
  if (next && next.tabIndex === 0) {
    e.preventDefault();
    next.focus();
  }
}

export function EventList({ records, label, onOpen, selectedSeq, showDate, empty, testId }: Props) {
  if (records.length === 0 && empty) return <>{empty}</>;
  return (
    <ul className="items" aria-label={label} data-testid={testId} onKeyDown={onRowArrowKeys}>
      {records.map((r) => (
        <EventRow key={r.seq} record={r} onOpen={onOpen} selected={selectedSeq === r.seq} showDate={showDate} />
      ))}
    </ul>
  );
}

import type { Story } from '../lib/story';

/** Renders a Story's parts: plain text, `code` for commands and paths, coloured outcomes. */
export function StoryText({ story }: { story: Story }) {
  return (
    <>
      {story.parts.map((part, i) => {
        if (part.kind === 'code') return <code key={i}>{part.text}</code>;
        if (part.kind === 'status') {
          const cls = part.tone === 'bad' ? 'tag-bad' : part.tone === 'ok' ? 'tag-ok' : part.tone === 'warn' ? 'tag-warn' : undefined;
          return (
            <span key={i} className={cls}>
              {part.text}
            </span>
          );
        }
        return <span key={i}>{part.text}</span>;
      })}
    </>
  );
}

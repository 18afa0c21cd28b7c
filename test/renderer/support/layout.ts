/**
 * What a person would call "cut off" or "spilling out", measured in the real browser:
 *  - the page scrolls sideways (document wider than the window);
 *  - an element pokes out past the right edge of the window (and no ancestor clips it);
 *  - a scroll box has a sideways scrollbar (content hidden to the right, e.g. a table column);
 *  - a box with overflow hidden cuts its content off without an ellipsis.
 * An ellipsis ("…" via text-overflow) is an intended, visible shortening and is not reported.
 */
import type { Page } from 'playwright-core';

export async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const vw = window.innerWidth;
    const name = (el: Element) => {
      const id = el.getAttribute('data-testid');
      const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      const text = (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 60);
      return `<${el.tagName.toLowerCase()}${id ? ` data-testid=${id}` : ''}${cls}> "${text}"`;
    };
    if (document.documentElement.scrollWidth > vw + 1) out.push(`page scrolls sideways: ${document.documentElement.scrollWidth}px in a ${vw}px window`);
    const clippedByAncestor = (el: Element) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== 'visible') return true;
      }
      return false;
    };
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      if (el.closest('svg') && el.tagName.toLowerCase() !== 'svg') continue;
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.visibility === 'hidden') continue;
      const r = el.getBoundingClientRect();
      // Zero-size boxes and screen-reader-only text (1 px, clipped on purpose) are not seen.
      if (r.width <= 1 || r.height <= 1) continue;
      if (r.right > vw + 1 && !clippedByAncestor(el) && style.position !== 'fixed') out.push(`past the window's right edge by ${Math.round(r.right - vw)}px: ${name(el)}`);
      const h = el as HTMLElement;
      if (h.scrollWidth > h.clientWidth + 1) {
        if (style.overflowX === 'auto' || style.overflowX === 'scroll') out.push(`sideways scrollbar (${h.scrollWidth}px in ${h.clientWidth}px): ${name(el)}`);
        else if (style.overflowX === 'hidden' && style.textOverflow !== 'ellipsis') out.push(`cut off without an ellipsis (${h.scrollWidth}px in ${h.clientWidth}px): ${name(el)}`);
      }
    }
    return out;
  });
}

import { type ReactNode, useEffect, useRef } from 'react';
import { focusAfterNavigation } from './router';

/**
 * A page's main heading. After a navigation within the app it takes the focus (once its page
 * has loaded), so keyboard and screen-reader users start from the new page's title; and when
 * the control that had the focus went away with the last screen (Join, Leave, End), the
 * focus would be on the body: it comes here instead.
 */
export function PageHeading({ children, id, className }: { children: ReactNode; id?: string; className?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    const lost = !document.activeElement || document.activeElement === document.body;
    if (!focusAfterNavigation.pending && !lost) return;
    focusAfterNavigation.pending = false;
    ref.current?.focus();
  }, []);
  return (
    <h1 ref={ref} id={id} className={className} tabIndex={-1}>
      {children}
    </h1>
  );
}

import { act, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BusyButton, SubmitButton } from './fields';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root | null = null;
let host: HTMLElement | null = null;

function render(node: ReactNode): HTMLElement {
  host = document.createElement('div');
  document.body.append(host);
  root = createRoot(host);
  act(() => root?.render(node));
  return host;
}

afterEach(() => {
  act(() => root?.unmount());
  host?.remove();
  root = null;
  host = null;
});

const button = (where: HTMLElement) => {
  const b = where.querySelector('button');
  if (!b) throw new Error('no button');
  return b;
};

describe('BusyButton', () => {
  it('stays enabled and focused while busy, says so, and ignores clicks until done', () => {
    const onClick = vi.fn();
    const where = render(
      <BusyButton busy={false} className="btn" onClick={onClick}>
        Save
      </BusyButton>,
    );
    const b = button(where);
    b.focus();
    act(() =>
      root?.render(
        <BusyButton busy className="btn" onClick={onClick}>
          Saving…
        </BusyButton>,
      ),
    );
    expect(b.disabled).toBe(false);
    expect(b.getAttribute('aria-disabled')).toBe('true');
    expect(b.type).toBe('button');
    expect(document.activeElement).toBe(b);
    b.click();
    expect(onClick).not.toHaveBeenCalled();
    act(() =>
      root?.render(
        <BusyButton busy={false} className="btn" onClick={onClick}>
          Save
        </BusyButton>,
      ),
    );
    expect(b.hasAttribute('aria-disabled')).toBe(false);
    b.click();
    expect(onClick).toHaveBeenCalledTimes(1);
  });

  it('as a submit button, submits nothing while busy', () => {
    const onSubmit = vi.fn((e: { preventDefault(): void }) => e.preventDefault());
    const form = (busy: boolean) => (
      <form onSubmit={onSubmit}>
        <input name="q" />
        <SubmitButton busy={busy} className="btn">
          Search
        </SubmitButton>
      </form>
    );
    const where = render(form(true));
    const b = button(where);
    expect(b.type).toBe('submit');
    // Enter in a field (implicit submission) fires a click at the form's default button: the same path.
    b.click();
    expect(onSubmit).toHaveBeenCalledTimes(0);
    act(() => root?.render(form(false)));
    b.click();
    expect(onSubmit).toHaveBeenCalledTimes(1);
  });
});

import { act, useLayoutEffect, useState } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type FocusTarget, useFocusAfterRender } from './focus';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root | null = null;
let host: HTMLElement | null = null;
let frames: FrameRequestCallback[] = [];

beforeEach(() => {
  frames = [];
  vi.spyOn(window, 'requestAnimationFrame').mockImplementation((cb) => {
    frames.push(cb);
    return frames.length;
  });
});

afterEach(() => {
  act(() => root?.unmount());
  host?.remove();
  root = null;
  host = null;
  vi.restoreAllMocks();
});

function mount(node: React.ReactNode) {
  host = document.createElement('div');
  document.body.append(host);
  root = createRoot(host);
  act(() => root?.render(node));
}

const nextFrame = () =>
  act(() => {
    for (const cb of frames.splice(0)) cb(0);
  });

/** An "Edit" button that gives way to a field and back, as the agenda editor and the quote picker do. */
function Editor({
  editing,
  setEditing,
  target = (next) => (next ? '#field' : '#edit'),
}: {
  editing: boolean;
  setEditing(editing: boolean): void;
  /** Where the keyboard goes once the editor is (or is no longer) editing. */
  target?: (editing: boolean) => FocusTarget;
}) {
  const focusLater = useFocusAfterRender();
  const flip = () => {
    focusLater(target(!editing));
    setEditing(!editing);
  };
  return editing ? (
    <input id="field" aria-label="field" onKeyDown={flip} />
  ) : (
    <button type="button" id="edit" onClick={flip}>
      Edit
    </button>
  );
}

/** The same, holding its own state. */
function Toggle({ target }: { target: (editing: boolean) => FocusTarget }) {
  const [editing, setEditing] = useState(false);
  return <Editor editing={editing} setEditing={setEditing} target={target} />;
}

const seen: string[] = [];
/**
 * The editor and a probe that re-renders in the same commit (both are children of the component whose
 * state changes), its layout effect after the editor's: what it sees is what the first paint shows.
 */
function Both() {
  const [editing, setEditing] = useState(false);
  return (
    <>
      <Editor editing={editing} setEditing={setEditing} />
      <Probe seen={seen} />
    </>
  );
}

/** Records where the keyboard is in its layout effects, which run before the browser paints. */
function Probe({ seen }: { seen: string[] }) {
  useLayoutEffect(() => {
    seen.push(document.activeElement?.id || document.activeElement?.tagName || '');
  });
  return null;
}

let api: { focusLater(t: FocusTarget): void; show(): void } | null = null;
/** An element that comes only with a later render. */
function Late() {
  const [shown, setShown] = useState(false);
  api = { focusLater: useFocusAfterRender(), show: () => setShown(true) };
  return (
    <>
      {shown && <input id="late" aria-label="late" />}
      <input id="early" aria-label="early" />
    </>
  );
}

describe('useFocusAfterRender', () => {
  it('puts the keyboard on the element that replaces the pressed one before the browser paints', () => {
    seen.length = 0;
    mount(<Both />);
    const edit = document.getElementById('edit');
    edit?.focus();
    act(() => edit?.click());
    expect(seen.at(-1)).toBe('field');
    expect(document.activeElement?.id).toBe('field');
  });

  it('finds the element through a function too', () => {
    mount(<Toggle target={(editing) => () => document.getElementById(editing ? 'field' : 'edit')} />);
    act(() => document.getElementById('edit')?.click());
    expect(document.activeElement?.id).toBe('field');
  });

  it('uses the next frame when nothing re-renders', () => {
    mount(<Late />);
    const early = document.getElementById('early');
    api?.focusLater('#early');
    expect(document.activeElement).not.toBe(early);
    nextFrame();
    expect(document.activeElement).toBe(early);
  });

  it('waits for an element that is not there yet, and a later call replaces an earlier one', () => {
    mount(<Late />);
    api?.focusLater('#late');
    nextFrame();
    expect(document.activeElement).toBe(document.body);
    // The element comes with a later render (a goal re-rendered once the server answered).
    act(() => api?.show());
    expect(document.activeElement?.id).toBe('late');

    act(() => root?.render(<Late key="again" />));
    api?.focusLater('#late');
    api?.focusLater('#early');
    nextFrame();
    expect(document.activeElement?.id).toBe('early');
    act(() => api?.show());
    expect(document.activeElement?.id).toBe('early');
  });
});

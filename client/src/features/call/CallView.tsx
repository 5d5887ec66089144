import {
  DisconnectButton,
  GridLayout,
  MediaDeviceMenu,
  ParticipantTile,
  RoomAudioRenderer,
  TrackToggle,
  useConnectionState,
  useLocalParticipant,
  useRemoteParticipants,
  useTracks,
} from '@livekit/components-react';
import { ConnectionState, Track } from 'livekit-client';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Panel, panels, SideArea, UnreadBadge } from './SideArea';

export interface CallViewProps {
  otherName: string;
  /** Title, back link and the session's own controls, always on screen. */
  head: ReactNode;
  /** What each side panel shows. */
  content: Record<Panel, ReactNode>;
  /** Chat messages so far (null until loaded), for the unread badge. */
  chatCount: number | null;
  /** The other person agreed to transcription and waits for this one. */
  consentAsked: boolean;
  /** The mentor's End session control. */
  endControl: ReactNode;
  /** Drawn over the video (live captions). */
  overlay?: ReactNode;
  /** Quotes the latest chat or transcript line into the note; says what happened. */
  onQuoteLatest(): string;
}

const PHONE = '(max-width: 480px)';
const SIDE_WIDTH_KEY = 'tandem.sideWidth';
const SIDE_MIN = 300;
const sideMax = () => Math.max(SIDE_MIN, Math.round(window.innerWidth * 0.6));
const clampWidth = (w: number) => Math.min(sideMax(), Math.max(SIDE_MIN, Math.round(w)));

/** True while typing somewhere: shortcuts never fire then. */
function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    (target instanceof HTMLElement && target.isContentEditable)
  );
}

/**
 * The call: the other person large and oneself small, a control bar (at the bottom on a
 * phone, with the panel toggles), the side area (resizable and collapsible on larger
 * screens, a full-height sheet on a phone), banners for consent and new messages, and
 * keyboard shortcuts listed in a "?" dialog.
 */
export function CallView({ otherName, head, content, chatCount, consentAsked, endControl, overlay, onQuoteLatest }: CallViewProps) {
  const { t } = useTranslation();
  const state = useConnectionState();
  const remotes = useRemoteParticipants();
  const { localParticipant, isMicrophoneEnabled, isCameraEnabled } = useLocalParticipant();
  const [phone] = useState(() => window.matchMedia(PHONE).matches);
  const [panel, setPanel] = useState<Panel>('notes');
  const [sideOpen, setSideOpen] = useState(!phone);
  const [width, setWidth] = useState(() => clampWidth(Number(window.localStorage.getItem(SIDE_WIDTH_KEY)) || 420));
  const help = useRef<HTMLDialogElement>(null);
  const [said, setSaid] = useState<string | null>(null);
  const saidTimer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(saidTimer.current), []);

  // Unread chat: what arrived while the chat panel was not on screen.
  const chatVisible = sideOpen && panel === 'transcript';
  const [seen, setSeen] = useState<number | null>(null);
  useEffect(() => {
    if (chatCount !== null && (seen === null || chatVisible)) setSeen(chatCount);
  }, [chatCount, chatVisible, seen]);
  const unread = chatCount !== null && seen !== null ? Math.max(0, chatCount - seen) : 0;

  const open = (p: Panel) => {
    setPanel(p);
    setSideOpen(true);
  };
  const close = () => {
    setSideOpen(false);
    // The keyboard goes back to the control that opens the panel again.
    requestAnimationFrame(() =>
      document.querySelector<HTMLElement>(phone ? `[data-panel-toggle="${panel}"]` : '[data-side-toggle]')?.focus(),
    );
  };

  useEffect(() => {
    window.localStorage.setItem(SIDE_WIDTH_KEY, String(width));
  }, [width]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target) || document.querySelector('dialog[open]:not(.shortcuts)')) return;
      const key = e.key.toLowerCase();
      if (key === 'm') void localParticipant.setMicrophoneEnabled(!isMicrophoneEnabled);
      else if (key === 'v') void localParticipant.setCameraEnabled(!isCameraEnabled);
      else if (key === '1' || key === '2' || key === '3' || key === '4') open(panels[Number(key) - 1] ?? 'notes');
      else if (key === 'n') {
        open('notes');
        requestAnimationFrame(() => document.querySelector<HTMLElement>('.note-editor[contenteditable="true"]')?.focus());
      } else if (key === 'q') {
        open('notes');
        requestAnimationFrame(() => {
          setSaid(onQuoteLatest());
          window.clearTimeout(saidTimer.current);
          saidTimer.current = window.setTimeout(() => setSaid(null), 4000);
        });
      } else if (key === '?') {
        if (help.current?.open) help.current.close();
        else help.current?.showModal();
      } else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const shortcuts: [string, string][] = [
    ['M', t('call.keys.mic')],
    ['V', t('call.keys.camera')],
    ['1', t('call.keys.notes')],
    ['2', t('call.keys.goals')],
    ['3', t('call.keys.chat')],
    ['4', t('call.keys.project')],
    ['N', t('call.keys.note')],
    ['Q', t('call.keys.quote')],
    ['?', t('call.keys.help')],
  ];

  return (
    <div className={`call${sideOpen ? ' side-open' : ''}`} style={{ '--side-width': `${width}px` } as React.CSSProperties}>
      <div className="call-head">
        {head}
        <span className="sr-only" role="status">
          {said}
        </span>
        {consentAsked && !chatVisible && (
          <div className="banner banner-ask" role="status">
            <span>{t('call.consentAsked', { name: otherName })}</span>
            <button type="button" className="btn btn-quiet btn-small" onClick={() => open('transcript')}>
              {t('call.reviewConsent')}
            </button>
          </div>
        )}
      </div>
      <section className="call-stage" aria-label={t('call.video')}>
        {(state === ConnectionState.Reconnecting || state === ConnectionState.SignalReconnecting) && (
          <div className="banner banner-warn" role="status">
            {t('call.reconnecting')}
          </div>
        )}
        {state === ConnectionState.Connecting && (
          <div className="banner" role="status">
            {t('call.connecting')}
          </div>
        )}
        {state === ConnectionState.Connected && remotes.length === 0 && (
          <div className="banner" role="status">
            {t('call.waiting', { name: otherName })}
          </div>
        )}
        <VideoLayout />
        {overlay}
        <RoomAudioRenderer />
      </section>
      {sideOpen && !phone && <SideResizer width={width} onWidth={(w) => setWidth(clampWidth(w))} label={t('call.resize')} />}
      <aside className="call-side" aria-label={t('call.workspace')} hidden={!sideOpen}>
        <SideArea content={content} panel={panel} onPanel={setPanel} unread={unread} onClose={close} />
      </aside>
      <div className="call-bar" role="toolbar" aria-label={t('call.controls')} data-lk-theme="default">
        <DeviceControl
          source={Track.Source.Microphone}
          kind="audioinput"
          label={t('call.microphone')}
          menuLabel={t('call.chooseMicrophone')}
        />
        <DeviceControl source={Track.Source.Camera} kind="videoinput" label={t('call.camera')} menuLabel={t('call.chooseCamera')} />
        <TrackToggle source={Track.Source.ScreenShare} showIcon className="lk-button desktop-only">
          <span className="bar-label">{t('call.screenShare')}</span>
        </TrackToggle>
        {panels.map((p) => (
          <button
            key={p}
            type="button"
            className="lk-button phone-only"
            data-panel-toggle={p}
            aria-pressed={sideOpen && panel === p}
            onClick={() => (sideOpen && panel === p ? close() : open(p))}
          >
            {t(`call.shortTabs.${p}`)}
            {p === 'transcript' && unread > 0 && <UnreadBadge count={unread} />}
          </button>
        ))}
        {!sideOpen && (
          <button
            type="button"
            className="lk-button desktop-only"
            data-side-toggle
            onClick={() => {
              setSideOpen(true);
              // This button goes away: the keyboard moves to the panel's tab.
              requestAnimationFrame(() => document.getElementById(`tab-${panel}`)?.focus());
            }}
          >
            {t('call.showSide')}
            {unread > 0 && <UnreadBadge count={unread} />}
          </button>
        )}
        <button
          type="button"
          className="lk-button desktop-only"
          aria-label={t('call.shortcutsTitle')}
          title={t('call.shortcutsTitle')}
          onClick={() => help.current?.showModal()}
        >
          ?
        </button>
        <span className="bar-end">
          {endControl}
          <DisconnectButton className="lk-disconnect-button">{t('call.leave')}</DisconnectButton>
        </span>
      </div>
      <dialog ref={help} className="dialog shortcuts" aria-labelledby="shortcuts-title">
        <h2 id="shortcuts-title">{t('call.shortcutsTitle')}</h2>
        <p className="muted">{t('call.shortcutsIntro')}</p>
        <dl className="keys">
          {shortcuts.map(([k, what]) => (
            <div key={k}>
              <dt>
                <kbd>{k}</kbd>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
        <form method="dialog">
          <button type="submit" className="btn btn-primary">
            {t('call.close')}
          </button>
        </form>
      </dialog>
    </div>
  );
}

/** A device's on/off toggle with the menu to pick which one. */
function DeviceControl(props: {
  source: Track.Source.Microphone | Track.Source.Camera;
  kind: 'audioinput' | 'videoinput';
  label: string;
  menuLabel: string;
}) {
  return (
    <div className="lk-button-group">
      <TrackToggle source={props.source} showIcon>
        <span className="bar-label">{props.label}</span>
      </TrackToggle>
      <div className="lk-button-group-menu">
        <MediaDeviceMenu kind={props.kind} aria-label={props.menuLabel} title={props.menuLabel} />
      </div>
    </div>
  );
}

/** One other person: them large, oneself small in a corner. Screen shares or more people: a grid. */
function VideoLayout() {
  const tracks = useTracks(
    [
      { source: Track.Source.Camera, withPlaceholder: true },
      { source: Track.Source.ScreenShare, withPlaceholder: false },
    ],
    { onlySubscribed: false },
  );
  const cameras = tracks.filter((tr) => tr.source === Track.Source.Camera);
  const remote = cameras.filter((tr) => !tr.participant.isLocal);
  const local = cameras.find((tr) => tr.participant.isLocal);
  if (tracks.length === cameras.length && remote.length === 1 && remote[0] && local) {
    return (
      <div className="speaker-layout">
        {/* Wrapped: the tile sets its own inline position. */}
        <div className="speaker-main">
          <ParticipantTile trackRef={remote[0]} />
        </div>
        <div className="speaker-self">
          <ParticipantTile trackRef={local} />
        </div>
      </div>
    );
  }
  return (
    <GridLayout tracks={tracks} className="call-grid">
      <ParticipantTile />
    </GridLayout>
  );
}

/** The handle between the video and the side area: drag it, or focus it and use ←/→. */
function SideResizer({ width, onWidth, label }: { width: number; onWidth(w: number): void; label: string }) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: a focusable separator is the ARIA pattern for a resizable split (no HTML element is one)
    <div
      className="side-resizer"
      role="separator"
      aria-orientation="vertical"
      aria-label={label}
      aria-valuenow={width}
      aria-valuemin={SIDE_MIN}
      aria-valuemax={sideMax()}
      tabIndex={0}
      onKeyDown={(e) => {
        const step = e.shiftKey ? 80 : 24;
        if (e.key === 'ArrowLeft') onWidth(width + step);
        else if (e.key === 'ArrowRight') onWidth(width - step);
        else if (e.key === 'Home') onWidth(SIDE_MIN);
        else if (e.key === 'End') onWidth(sideMax());
        else return;
        e.preventDefault();
      }}
      onPointerDown={(e) => {
        const el = e.currentTarget;
        el.setPointerCapture(e.pointerId);
        const right = el.parentElement?.getBoundingClientRect().right ?? window.innerWidth;
        const move = (ev: PointerEvent) => onWidth(right - ev.clientX);
        const up = () => {
          el.removeEventListener('pointermove', move);
          el.removeEventListener('pointerup', up);
        };
        el.addEventListener('pointermove', move);
        el.addEventListener('pointerup', up);
      }}
    />
  );
}

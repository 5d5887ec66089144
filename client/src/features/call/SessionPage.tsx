import { LiveKitRoom, type LocalUserChoices } from '@livekit/components-react';
import {
  closedSessionStatuses,
  ErrorCode,
  ServerEvent,
  type SessionDetailResponse,
  SessionEndedSchema,
  type SessionRecord,
  type SessionTokenResponse,
} from '@tandem/shared';
import type { DisconnectReason } from 'livekit-client';
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { PageHeading } from '../../app/PageHeading';
import { navigate, pagePath } from '../../app/router';
import { errorText } from '../../i18n';
import { api } from '../../lib/api';
import { getSocket } from '../../lib/socket';
import { formatWhen } from '../../lib/time';
import { useAppStore } from '../../store';
import { GoalsPanel } from '../goals/GoalsPanel';
import { quoteIntoNote } from '../notes/activeEditor';
import { NotePad } from '../notes/NotePad';
import { PrivateNote } from '../notes/PrivateNote';
import { useNoteSession } from '../notes/useNoteSession';
import { ProjectPanel } from '../projects/ProjectPanel';
import { RecordView } from '../review/RecordView';
import { CaptionsOverlay, TranscriptPanel } from '../transcript/TranscriptPanel';
import { consentSides, formatOffset, useCaptions } from '../transcript/useCaptions';
import { BriefPanel } from '../week/BriefPanel';
import { CallView } from './CallView';
import { afterCall, nextRejoin } from './dropped';
import { EndSessionDialog } from './EndSessionDialog';
import { PreJoinPanel } from './PreJoinPanel';

type Stage =
  | { stage: 'loading' }
  | { stage: 'unavailable'; message: string }
  | { stage: 'prejoin'; detail: SessionDetailResponse }
  | { stage: 'call'; detail: SessionDetailResponse; token: SessionTokenResponse; choices: LocalUserChoices; since: number }
  | { stage: 'rejoining'; detail: SessionDetailResponse }
  | { stage: 'left'; detail: SessionDetailResponse; reason: string }
  | { stage: 'record'; record: SessionRecord }
  | { stage: 'saving' };

/** Marks the join click so the time to the first remote frame can be measured. */
export const JOIN_MARK = 'tandem:join-click';

export function SessionPage({ sessionId }: { sessionId: string }) {
  const { t } = useTranslation();
  const user = useAppStore((s) => s.user);
  const [stage, setStage] = useState<Stage>({ stage: 'loading' });
  const [joining, setJoining] = useState(false);
  const [joinError, setJoinError] = useState<string | null>(null);
  /** Rejoins in a row after the call dropped, and which attempt is current (leaving cancels a pending one). */
  const rejoins = useRef(0);
  const attempt = useRef(0);

  /** Shows what the session is now: the pre-join screen, or its saved record once it has ended. */
  const load = useCallback(
    async (whenOpen: (detail: SessionDetailResponse) => Stage) => {
      const res = await api.session(sessionId);
      if (!res.ok) {
        setStage({
          stage: 'unavailable',
          message: res.error.code === ErrorCode.NotFound ? t('session.notYours') : errorText(res.error),
        });
        return;
      }
      const { session } = res.data;
      if (!closedSessionStatuses.includes(session.status)) return setStage(whenOpen(res.data));
      if (session.status !== 'ended')
        return setStage({
          stage: 'unavailable',
          message: session.status === 'cancelled' ? t('session.wasCancelled') : t('session.wasNoShow'),
        });
      const record = await api.record(sessionId);
      setStage(record.ok ? { stage: 'record', record: record.data } : { stage: 'unavailable', message: errorText(record.error) });
    },
    [sessionId, t],
  );

  useEffect(() => {
    void load((detail) => ({ stage: 'prejoin', detail }));
  }, [load]);

  // When the mentor ends the session, both people land on its saved record.
  useEffect(() => {
    const socket = getSocket();
    const onEnded = (payload: unknown) => {
      const parsed = SessionEndedSchema.safeParse(payload);
      if (parsed.success && parsed.data.sessionId === sessionId) {
        setStage({ stage: 'saving' });
        void load((detail) => ({ stage: 'prejoin', detail }));
      }
    };
    socket.on(ServerEvent.sessionEnded.name, onEnded);
    return () => {
      socket.off(ServerEvent.sessionEnded.name, onEnded);
    };
  }, [sessionId, load]);

  const endSession = async (): Promise<string | null> => {
    const res = await api.endSession(sessionId);
    if (!res.ok) return errorText(res.error);
    setStage({ stage: 'saving' });
    await load((detail) => ({ stage: 'prejoin', detail }));
    return null;
  };

  /** Asks for a token and enters the call; says what went wrong otherwise. */
  async function enter(detail: SessionDetailResponse, choices: LocalUserChoices): Promise<string | null> {
    const res = await api.sessionToken(sessionId);
    if (!res.ok) return errorText(res.error);
    setStage({ stage: 'call', detail, token: res.data, choices, since: Date.now() });
    return null;
  }

  async function join(detail: SessionDetailResponse, choices: LocalUserChoices) {
    performance.mark(JOIN_MARK);
    attempt.current += 1;
    rejoins.current = 0;
    setJoining(true);
    setJoinError(null);
    const problem = await enter(detail, choices);
    setJoining(false);
    setJoinError(problem);
  }

  /** The call ended: said why, or — when it dropped — rejoined by itself (a few times in a row at most). */
  async function callEnded(call: Extract<Stage, { stage: 'call' }>, reason: DisconnectReason | undefined) {
    const after = afterCall(reason);
    const leave = (message: string) => void load((detail) => ({ stage: 'left', detail, reason: message }));
    if (after !== 'dropped') return leave(t(`session.${after}`));
    const nth = nextRejoin(rejoins.current, Date.now() - call.since);
    if (nth === null) return leave(t('session.droppedAgain'));
    rejoins.current = nth;
    const mine = ++attempt.current;
    setStage({ stage: 'rejoining', detail: call.detail });
    // A server that just went away needs a moment for the load balancer and LiveKit to notice.
    await new Promise((r) => setTimeout(r, 1_000 * nth));
    if (mine !== attempt.current) return;
    const problem = await enter(call.detail, call.choices);
    if (problem && mine === attempt.current) leave(t('session.droppedGaveUp', { reason: problem }));
  }

  const back = (
    <a
      className="btn btn-quiet"
      href={pagePath.dashboard}
      onClick={(e) => {
        e.preventDefault();
        navigate(pagePath.dashboard);
      }}
    >
      {t('session.back')}
    </a>
  );

  if (stage.stage === 'loading') {
    return (
      <main className="center-page" aria-busy="true">
        <p className="muted" role="status">
          {t('session.loading')}
        </p>
      </main>
    );
  }
  if (stage.stage === 'saving') {
    return (
      <main className="center-page" aria-busy="true">
        <p className="muted" role="status">
          {t('session.saving')}
        </p>
      </main>
    );
  }
  if (stage.stage === 'record') {
    return (
      <>
        <div className="page no-print">{back}</div>
        <main className="page record-page">
          <RecordView record={stage.record} />
        </main>
      </>
    );
  }
  if (stage.stage === 'unavailable') {
    return (
      <main className="center-page">
        <div className="card">
          <PageHeading>{t('session.cantOpen')}</PageHeading>
          <p className="error" role="alert">
            {stage.message}
          </p>
          {back}
        </div>
      </main>
    );
  }

  const { mentorship, session } = stage.detail;
  const other = user?.id === mentorship.mentor.id ? mentorship.student : mentorship.mentor;
  const title = (
    <div className="session-title">
      {back}
      <div>
        <PageHeading>{mentorship.title}</PageHeading>
        <p className="muted">
          {t('session.subtitle', {
            week: session.week,
            name: other.displayName,
            when: formatWhen(session.scheduledAt, mentorship.slot.timeZone),
          })}
        </p>
      </div>
    </div>
  );

  const role = user?.id === mentorship.mentor.id ? 'mentor' : user?.id === mentorship.student.id ? 'student' : 'admin';
  if (stage.stage === 'prejoin') {
    const detail = stage.detail;
    return (
      <main className="page page-narrow">
        {title}
        <JoinWindow opensAt={detail.joinOpensAt} pairZone={mentorship.slot.timeZone} status={session.status}>
          <PreJoinPanel displayName={user?.displayName ?? ''} joining={joining} error={joinError} onJoin={(c) => void join(detail, c)} />
        </JoinWindow>
        {session.status === 'scheduled' && role !== 'admin' && (
          // The next session's note is open as soon as it is booked: both add talking points before the call.
          <section className="prepare" aria-labelledby="prepare-title">
            <h2 id="prepare-title">{t('week.prepareTitle')}</h2>
            <p className="muted">{t('week.prepareLead', { name: other.displayName })}</p>
            <SessionNote sessionId={sessionId} mentorshipId={mentorship.id} role={role} />
          </section>
        )}
      </main>
    );
  }
  if (stage.stage === 'rejoining') {
    const detail = stage.detail;
    return (
      <main className="page page-narrow">
        {title}
        <div className="card" aria-busy="true">
          <p role="status">{t('session.dropped')}</p>
          <button
            type="button"
            className="btn"
            onClick={() => {
              attempt.current += 1;
              setStage({ stage: 'left', detail, reason: t('session.left') });
            }}
          >
            {t('call.leave')}
          </button>
        </div>
      </main>
    );
  }
  if (stage.stage === 'left') {
    const detail = stage.detail;
    return (
      <main className="page page-narrow">
        {title}
        <div className="card">
          <p role="status">{stage.reason}</p>
          <button type="button" className="btn btn-primary" onClick={() => setStage({ stage: 'prejoin', detail })}>
            {t('session.rejoin')}
          </button>
        </div>
      </main>
    );
  }
  return (
    <InCall
      title={title}
      otherName={other.displayName}
      stage={stage}
      sessionId={sessionId}
      role={role}
      notes={<SessionNote sessionId={sessionId} mentorshipId={mentorship.id} role={role} />}
      goals={<GoalsPanel sessionId={sessionId} mentorshipId={mentorship.id} />}
      project={<ProjectPanel mentorshipId={mentorship.id} role={role} readOnly={role === 'admin'} />}
      endControl={role === 'mentor' ? <EndSessionDialog otherName={other.displayName} onConfirm={endSession} /> : null}
      onEnded={(reason) => void callEnded(stage, reason)}
    />
  );
}

/**
 * Before its window opens, a session says when it will, and neither the camera starts nor
 * can it be joined (joining early used to use the session up); the page opens it on time.
 */
function JoinWindow({ opensAt, pairZone, status, children }: { opensAt: string; pairZone: string; status: string; children: ReactNode }) {
  const { t } = useTranslation();
  const [now, setNow] = useState(() => Date.now());
  const opens = Date.parse(opensAt);
  useEffect(() => {
    if (status !== 'scheduled' || now >= opens) return;
    // setTimeout cannot wait longer than ~24 days; wake up at least once a day.
    const timer = setTimeout(() => setNow(Date.now()), Math.min(opens - now + 50, 24 * 3600_000));
    return () => clearTimeout(timer);
  }, [opens, now, status]);
  if (status !== 'scheduled' || now >= opens) return <>{children}</>;
  return (
    <div className="card" role="status">
      <h2>{t('session.notOpenYet')}</h2>
      <p>
        <Trans i18nKey="session.opensAt" values={{ when: formatWhen(opensAt, pairZone) }} components={{ strong: <strong /> }} />
      </p>
    </div>
  );
}

function SessionNote({ sessionId, mentorshipId, role }: { sessionId: string; mentorshipId: string; role: 'mentor' | 'student' | 'admin' }) {
  const { t } = useTranslation();
  const user = useAppStore((s) => s.user);
  const note = useNoteSession(sessionId);
  if (!note || !user) return <p className="muted">{t('session.openingNote')}</p>;
  return (
    <div className="notes-stack">
      <BriefPanel sessionId={sessionId} />
      <NotePad note={note} user={user} role={role} />
      {/* The mentor's own note beside the shared one; the student's page never opens it. */}
      {role === 'mentor' && <PrivateNote mentorshipId={mentorshipId} lead={false} />}
    </div>
  );
}

function InCall({
  title,
  otherName,
  stage,
  notes,
  goals,
  project,
  endControl,
  onEnded,
  sessionId,
  role,
}: {
  endControl: React.ReactNode;
  title: React.ReactNode;
  otherName: string;
  notes: React.ReactNode;
  goals: React.ReactNode;
  project: React.ReactNode;
  sessionId: string;
  role: 'mentor' | 'student' | 'admin';
  stage: Extract<Stage, { stage: 'call' }>;
  onEnded(reason: DisconnectReason | undefined): void;
}) {
  const { t } = useTranslation();
  const { token, choices } = stage;
  const options = useMemo(
    () => ({
      adaptiveStream: true,
      dynacast: true,
      videoCaptureDefaults: { deviceId: choices.videoDeviceId || undefined },
      audioCaptureDefaults: { deviceId: choices.audioDeviceId || undefined },
    }),
    [choices.videoDeviceId, choices.audioDeviceId],
  );
  const connectOptions = useMemo(() => (token.iceServers ? { rtcConfig: { iceServers: token.iceServers } } : {}), [token.iceServers]);
  const [error, setError] = useState<string | null>(null);
  const captions = useCaptions(sessionId);
  const [showCaptions, setShowCaptions] = useState(true);
  const consent = captions.view.state;
  const running = Boolean(consent?.running);
  const { mine, theirs } = consentSides(consent, role);
  const chatCount = captions.view.status === 'ready' ? captions.view.segments.filter((s) => s.kind === 'chat').length : null;
  const head = (
    <>
      {title}
      <div className="row call-head-tools">
        {running && (
          <span className="badge badge-rec" role="status">
            {t('session.transcribing')}
          </span>
        )}
        <button type="button" className="btn btn-quiet btn-small" aria-pressed={showCaptions} onClick={() => setShowCaptions((v) => !v)}>
          {showCaptions ? t('session.captionsOn') : t('session.captionsOff')}
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </>
  );
  return (
    <main className="page page-call">
      <LiveKitRoom
        data-lk-theme="default"
        className="call-room"
        serverUrl={token.url}
        token={token.token}
        connect
        audio={choices.audioEnabled}
        video={choices.videoEnabled}
        options={options}
        connectOptions={connectOptions}
        onError={(e) => setError(t('session.callProblem', { reason: e.message }))}
        onMediaDeviceFailure={() => setError(t('session.deviceFailure'))}
        onDisconnected={onEnded}
      >
        <CallView
          otherName={otherName}
          head={head}
          content={{
            notes,
            goals,
            transcript: <TranscriptPanel view={captions.view} sync={captions.sync} role={role} otherName={otherName} />,
            project,
          }}
          chatCount={chatCount}
          consentAsked={theirs && !mine && !running}
          endControl={endControl}
          overlay={showCaptions ? <CaptionsOverlay view={captions.view} /> : null}
          onQuoteLatest={() => {
            const last = captions.view.segments.at(-1);
            if (!last) return t('call.nothingToQuote');
            return quoteIntoNote(last.speakerName, formatOffset(last.startMs), last.text)
              ? t('transcript.quoted')
              : t('transcript.openNoteToQuote');
          }}
        />
      </LiveKitRoom>
    </main>
  );
}

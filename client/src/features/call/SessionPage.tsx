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
import { type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import { navigate, pagePath } from '../../app/router';
import { api } from '../../lib/api';
import { formatWhen } from '../../lib/format';
import { getSocket } from '../../lib/socket';
import { useAppStore } from '../../store';
import { GoalsPanel } from '../goals/GoalsPanel';
import { NotePad } from '../notes/NotePad';
import { useNoteSession } from '../notes/useNoteSession';
import { RecordView } from '../review/RecordView';
import { CaptionsOverlay, TranscriptPanel } from '../transcript/TranscriptPanel';
import { useCaptions } from '../transcript/useCaptions';
import { CallView } from './CallView';
import { EndSessionDialog } from './EndSessionDialog';
import { PreJoinPanel } from './PreJoinPanel';
import { SideArea } from './SideArea';

type Stage =
  | { stage: 'loading' }
  | { stage: 'unavailable'; message: string }
  | { stage: 'prejoin'; detail: SessionDetailResponse }
  | { stage: 'call'; detail: SessionDetailResponse; token: SessionTokenResponse; choices: LocalUserChoices }
  | { stage: 'left'; detail: SessionDetailResponse; reason: string }
  | { stage: 'record'; record: SessionRecord }
  | { stage: 'saving' };

/** Marks the join click so the time to the first remote frame can be measured. */
export const JOIN_MARK = 'tandem:join-click';

export function SessionPage({ sessionId }: { sessionId: string }) {
  const user = useAppStore((s) => s.user);
  const [stage, setStage] = useState<Stage>({ stage: 'loading' });
  const [joining, setJoining] = useState(false);
  const [joinError, setJoinError] = useState<string | null>(null);

  /** Shows what the session is now: the pre-join screen, or its saved record once it has ended. */
  const load = useCallback(
    async (whenOpen: (detail: SessionDetailResponse) => Stage) => {
      const res = await api.session(sessionId);
      if (!res.ok) {
        setStage({
          stage: 'unavailable',
          message:
            res.error.code === ErrorCode.NotFound
              ? 'You can’t join this session: it doesn’t exist, or it belongs to a mentorship you are not part of.'
              : res.error.message,
        });
        return;
      }
      const { session } = res.data;
      if (!closedSessionStatuses.includes(session.status)) return setStage(whenOpen(res.data));
      if (session.status !== 'ended')
        return setStage({
          stage: 'unavailable',
          message: `This session was ${session.status === 'cancelled' ? 'cancelled' : 'marked as a no-show'}.`,
        });
      const record = await api.record(sessionId);
      setStage(record.ok ? { stage: 'record', record: record.data } : { stage: 'unavailable', message: record.error.message });
    },
    [sessionId],
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
    if (!res.ok) return res.error.message;
    setStage({ stage: 'saving' });
    await load((detail) => ({ stage: 'prejoin', detail }));
    return null;
  };

  async function join(detail: SessionDetailResponse, choices: LocalUserChoices) {
    performance.mark(JOIN_MARK);
    setJoining(true);
    setJoinError(null);
    const res = await api.sessionToken(sessionId);
    setJoining(false);
    if (!res.ok) {
      setJoinError(res.error.message);
      return;
    }
    setStage({ stage: 'call', detail, token: res.data, choices });
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
      ← Dashboard
    </a>
  );

  if (stage.stage === 'loading') {
    return (
      <main className="center-page" aria-busy="true">
        <p className="muted">Loading the session…</p>
      </main>
    );
  }
  if (stage.stage === 'saving') {
    return (
      <main className="center-page" aria-busy="true">
        <p className="muted" role="status">
          The session has ended. Opening its saved record…
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
          <h1>Can’t open this session</h1>
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
        <h1>{mentorship.title}</h1>
        <p className="muted">
          Week {session.week} with {other.displayName} · {formatWhen(session.scheduledAt)}
        </p>
      </div>
    </div>
  );

  if (stage.stage === 'prejoin') {
    const detail = stage.detail;
    return (
      <main className="page page-narrow">
        {title}
        <JoinWindow opensAt={detail.joinOpensAt} status={session.status}>
          <PreJoinPanel displayName={user?.displayName ?? ''} joining={joining} error={joinError} onJoin={(c) => void join(detail, c)} />
        </JoinWindow>
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
            Rejoin
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
      role={user?.id === mentorship.mentor.id ? 'mentor' : user?.id === mentorship.student.id ? 'student' : 'admin'}
      side={(transcript) => (
        <SideArea
          notes={
            <SessionNote
              sessionId={sessionId}
              role={user?.id === mentorship.mentor.id ? 'mentor' : user?.id === mentorship.student.id ? 'student' : 'admin'}
            />
          }
          goals={<GoalsPanel sessionId={sessionId} />}
          transcript={transcript}
        />
      )}
      endControl={user?.id === mentorship.mentor.id ? <EndSessionDialog otherName={other.displayName} onConfirm={endSession} /> : null}
      onLeft={(reason) => void load((detail) => ({ stage: 'left', detail, reason }))}
    />
  );
}

/**
 * Before its window opens, a session says when it will, and neither the camera starts nor
 * can it be joined (joining early used to use the session up); the page opens it on time.
 */
function JoinWindow({ opensAt, status, children }: { opensAt: string; status: string; children: ReactNode }) {
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
      <h2>Not open yet</h2>
      <p>
        This session opens to join on <strong>{formatWhen(opensAt)}</strong>, a few minutes before it starts. This page opens it by itself
        then.
      </p>
    </div>
  );
}

function SessionNote({ sessionId, role }: { sessionId: string; role: 'mentor' | 'student' | 'admin' }) {
  const user = useAppStore((s) => s.user);
  const note = useNoteSession(sessionId);
  if (!note || !user) return <p className="muted">Opening the note…</p>;
  return <NotePad note={note} user={user} role={role} />;
}

function InCall({
  title,
  otherName,
  stage,
  side,
  endControl,
  onLeft,
  sessionId,
  role,
}: {
  endControl: React.ReactNode;
  title: React.ReactNode;
  otherName: string;
  /** The side area, given the transcript panel (which shares its state with the captions over the video). */
  side: (transcript: React.ReactNode) => React.ReactNode;
  sessionId: string;
  role: 'mentor' | 'student' | 'admin';
  stage: Extract<Stage, { stage: 'call' }>;
  onLeft(reason: string): void;
}) {
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
  const running = Boolean(captions.view.state?.running);
  return (
    <main className="page page-call">
      <div className="call-head">
        {title}
        <div className="row">
          {running && (
            <span className="badge badge-rec" role="status">
              ● Transcribing
            </span>
          )}
          <button type="button" className="btn btn-quiet btn-small" aria-pressed={showCaptions} onClick={() => setShowCaptions((v) => !v)}>
            Captions {showCaptions ? 'on' : 'off'}
          </button>
          {endControl}
        </div>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
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
        onError={(e) => setError(`Call problem: ${e.message}`)}
        onMediaDeviceFailure={() => setError('Your camera or microphone could not be started. Check the browser’s permissions.')}
        onDisconnected={() => onLeft('You left the call.')}
      >
        <CallView
          otherName={otherName}
          side={side(<TranscriptPanel view={captions.view} sync={captions.sync} role={role} otherName={otherName} />)}
          overlay={showCaptions ? <CaptionsOverlay view={captions.view} /> : null}
        />
      </LiveKitRoom>
    </main>
  );
}

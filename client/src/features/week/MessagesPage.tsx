import { MESSAGE_MAX, type Message, ServerEvent, type ThreadResponse } from '@tandem/shared';
import { type FormEvent, type KeyboardEvent, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BusyButton } from '../../app/fields';
import { LoadFailed } from '../../app/LoadFailed';
import { PageHeading } from '../../app/PageHeading';
import { linkTo, pagePath } from '../../app/router';
import { errorText } from '../../i18n';
import { api } from '../../lib/api';
import { getSocket } from '../../lib/socket';
import { formatWhen } from '../../lib/time';
import { useAppStore } from '../../store';
import { Linkified } from '../transcript/Linkified';

type Load = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; thread: ThreadResponse };

/** Adds messages to a thread once each, in time order. */
function merge(messages: Message[], more: Message[]): Message[] {
  const byId = new Map(messages.map((m) => [m.id, m]));
  for (const m of more) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** The pair's conversation between sessions (and what was written in their calls' chat). */
export function MessagesPage({ mentorshipId }: { mentorshipId: string }) {
  const { t } = useTranslation();
  const user = useAppStore((s) => s.user);
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [olderError, setOlderError] = useState<string | null>(null);
  const log = useRef<HTMLDivElement>(null);

  const reload = useCallback(() => {
    setLoad({ state: 'loading' });
    void api
      .messages(mentorshipId)
      .then((res) => setLoad(res.ok ? { state: 'ready', thread: res.data } : { state: 'error', message: errorText(res.error) }));
  }, [mentorshipId]);
  useEffect(reload, [reload]);

  // Live: a new message (from either side, any tab) and the other person's read receipts.
  useEffect(() => {
    const socket = getSocket();
    const onNew = ({ message }: { message: Message }) => {
      if (message.mentorshipId !== mentorshipId) return;
      setLoad((l) => (l.state === 'ready' ? { ...l, thread: { ...l.thread, messages: merge(l.thread.messages, [message]) } } : l));
    };
    const onRead = (r: { mentorshipId: string; userId: string; until: string }) => {
      if (r.mentorshipId !== mentorshipId) return;
      setLoad((l) =>
        l.state === 'ready' ? { ...l, thread: { ...l.thread, readUntil: { ...l.thread.readUntil, [r.userId]: r.until } } } : l,
      );
    };
    socket.on(ServerEvent.messageNew.name, onNew);
    socket.on(ServerEvent.messageRead.name, onRead);
    // Back online after a drop: what came meanwhile.
    socket.on('connect', reload);
    return () => {
      socket.off(ServerEvent.messageNew.name, onNew);
      socket.off(ServerEvent.messageRead.name, onRead);
      socket.off('connect', reload);
    };
  }, [mentorshipId, reload]);

  const thread = load.state === 'ready' ? load.thread : null;
  const isMember = Boolean(thread && user && (thread.mentorship.mentor.id === user.id || thread.mentorship.student.id === user.id));
  const last = thread?.messages.at(-1);
  const myRead = user && thread ? thread.readUntil[user.id] : null;

  // What is on screen while the page is visible is read: the other person sees it, the counts clear.
  useEffect(() => {
    if (!isMember || !last || !user || last.author.id === user.id || (myRead && myRead >= last.createdAt)) return;
    const mark = () => {
      if (document.visibilityState !== 'visible') return;
      void api.markRead(mentorshipId, last.createdAt).then((res) => {
        if (res.ok && res.data.until)
          setLoad((l) =>
            l.state === 'ready' ? { ...l, thread: { ...l.thread, readUntil: { ...l.thread.readUntil, [user.id]: last.createdAt } } } : l,
          );
      });
    };
    mark();
    document.addEventListener('visibilitychange', mark);
    return () => document.removeEventListener('visibilitychange', mark);
  }, [isMember, last, user, myRead, mentorshipId]);

  const loadOlder = async () => {
    if (!thread?.messages[0]) return;
    setOlderError(null);
    const res = await api.messages(mentorshipId, thread.messages[0].createdAt);
    if (!res.ok) {
      setOlderError(errorText(res.error));
      return;
    }
    setLoad((l) =>
      l.state === 'ready'
        ? { ...l, thread: { ...l.thread, hasMore: res.data.hasMore, messages: merge(res.data.messages, l.thread.messages) } }
        : l,
    );
    // The button goes away with the last page: the thread keeps the focus.
    if (!res.data.hasMore) log.current?.focus();
  };

  const other = thread && user ? (thread.mentorship.mentor.id === user.id ? thread.mentorship.student : thread.mentorship.mentor) : null;
  // The last of my messages the other person has read: "Seen" goes under it.
  const otherRead = other && thread ? thread.readUntil[other.id] : null;
  const seenId =
    thread && user && otherRead ? thread.messages.filter((m) => m.author.id === user.id && m.createdAt <= otherRead).at(-1)?.id : undefined;

  return (
    <main className="page page-narrow messages-page">
      <p className="back">
        <a href={pagePath.dashboard} onClick={linkTo(pagePath.dashboard)}>
          {t('week.backToDashboard')}
        </a>
      </p>
      <PageHeading>
        {thread ? t('week.messagesWith', { name: other?.displayName ?? thread.mentorship.title }) : t('week.messages')}
      </PageHeading>
      {thread && <p className="muted">{thread.mentorship.title}</p>}
      {load.state === 'loading' && (
        <p className="muted" aria-busy="true">
          {t('week.loadingMessages')}
        </p>
      )}
      {load.state === 'error' && <LoadFailed message={load.message} onRetry={reload} />}
      {thread && (
        <>
          {thread.hasMore && (
            <p>
              <button type="button" className="btn btn-quiet btn-small" onClick={() => void loadOlder()}>
                {t('week.older')}
              </button>
            </p>
          )}
          {olderError && (
            <p className="error" role="alert">
              {olderError}
            </p>
          )}
          {thread.messages.length === 0 ? (
            <p className="muted">{isMember ? t('week.noMessages', { name: other?.displayName ?? '' }) : t('week.noMessagesAdmin')}</p>
          ) : (
            <div role="log" aria-label={t('week.thread')} ref={log} tabIndex={-1}>
              <ol className="thread">
                {thread.messages.map((m) => {
                  const mine = m.author.id === user?.id;
                  return (
                    <li key={m.id} className={mine ? 'message mine' : 'message'}>
                      <div className="message-meta">
                        <strong>{mine ? t('week.you') : m.author.displayName}</strong>{' '}
                        <time dateTime={m.createdAt}>{formatWhen(m.createdAt)}</time>
                        {m.sessionId && m.sessionWeek !== null && (
                          <>
                            {' · '}
                            <a href={pagePath.session(m.sessionId)} onClick={linkTo(pagePath.session(m.sessionId))}>
                              {t('week.inCall', { week: m.sessionWeek })}
                            </a>
                          </>
                        )}
                      </div>
                      <div className="message-body">
                        <Linkified text={m.body} />
                      </div>
                      {m.id === seenId && <div className="message-seen">{t('week.seen')}</div>}
                    </li>
                  );
                })}
              </ol>
            </div>
          )}
          {isMember && thread.mentorship.status !== 'ended' ? (
            <Composer mentorshipId={mentorshipId} to={other?.displayName ?? ''} onSent={(m) => onSent(m)} />
          ) : (
            <p className="muted">{isMember ? t('week.endedReadOnly') : t('week.adminReadOnly')}</p>
          )}
        </>
      )}
    </main>
  );

  function onSent(message: Message) {
    setLoad((l) => (l.state === 'ready' ? { ...l, thread: { ...l.thread, messages: merge(l.thread.messages, [message]) } } : l));
  }
}

function Composer({ mentorshipId, to, onSent }: { mentorshipId: string; to: string; onSent(m: Message): void }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const field = useRef<HTMLTextAreaElement>(null);
  const send = async (e?: FormEvent) => {
    e?.preventDefault();
    const body = text.trim();
    if (!body || sending) return;
    setSending(true);
    setError(null);
    const res = await api.sendMessage(mentorshipId, body);
    setSending(false);
    if (!res.ok) {
      setError(errorText(res.error));
      return;
    }
    setText('');
    onSent(res.data.message);
    field.current?.focus();
  };
  // Enter sends, Shift+Enter starts a new line (as in every chat).
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    }
  };
  const left = MESSAGE_MAX - text.length;
  return (
    <form className="composer" onSubmit={(e) => void send(e)}>
      <label htmlFor="composer-text">{t('week.writeTo', { name: to })}</label>
      <textarea
        id="composer-text"
        ref={field}
        rows={3}
        value={text}
        maxLength={MESSAGE_MAX}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        aria-describedby="composer-hint"
      />
      <div className="row">
        <span id="composer-hint" className="muted small">
          {left < 200 ? t('week.charactersLeft', { count: left }) : t('week.enterToSend')}
        </span>
        <BusyButton type="submit" className="btn btn-primary" busy={sending} disabled={text.trim() === ''}>
          {sending ? t('week.sending') : t('week.send')}
        </BusyButton>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

import {
  ControlBar,
  GridLayout,
  ParticipantTile,
  RoomAudioRenderer,
  useConnectionState,
  useRemoteParticipants,
  useTracks,
} from '@livekit/components-react';
import { ConnectionState, Track } from 'livekit-client';

export interface CallViewProps {
  otherName: string;
}

/** The call: both videos, controls, a visible reconnecting state, and the side area for notes and goals. */
export function CallView({ otherName }: CallViewProps) {
  const tracks = useTracks(
    [
      { source: Track.Source.Camera, withPlaceholder: true },
      { source: Track.Source.ScreenShare, withPlaceholder: false },
    ],
    { onlySubscribed: false },
  );
  const state = useConnectionState();
  const remotes = useRemoteParticipants();

  return (
    <div className="call">
      <section className="call-stage" aria-label="Video">
        {(state === ConnectionState.Reconnecting || state === ConnectionState.SignalReconnecting) && (
          <div className="banner banner-warn" role="status">
            Connection lost. Reconnecting…
          </div>
        )}
        {state === ConnectionState.Connecting && (
          <div className="banner" role="status">
            Connecting…
          </div>
        )}
        {state === ConnectionState.Connected && remotes.length === 0 && (
          <div className="banner" role="status">
            Waiting for {otherName} to join…
          </div>
        )}
        <GridLayout tracks={tracks} className="call-grid">
          <ParticipantTile />
        </GridLayout>
        <ControlBar variation="verbose" controls={{ microphone: true, camera: true, screenShare: true, leave: true, chat: false }} />
        <RoomAudioRenderer />
      </section>
      <aside className="call-side" aria-label="Session workspace">
        <h2>This week</h2>
        <ol className="agenda">
          <li>Check-in: how is it going?</li>
          <li>Project progress</li>
          <li>New goals</li>
          <li>Notes</li>
        </ol>
        <p className="muted">The shared note pad and the goals panel open here.</p>
      </aside>
    </div>
  );
}

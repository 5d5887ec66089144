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
  /** The side area: the note pad (and, next, the goals panel). */
  side: React.ReactNode;
  /** Drawn over the video (live captions). */
  overlay?: React.ReactNode;
}

/** The call: both videos, controls, a visible reconnecting state, and the side area for notes and goals. */
export function CallView({ otherName, side, overlay }: CallViewProps) {
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
        {overlay}
        <RoomAudioRenderer />
      </section>
      <aside className="call-side" aria-label="Session workspace">
        {side}
      </aside>
    </div>
  );
}

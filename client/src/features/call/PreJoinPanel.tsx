import { type LocalUserChoices, MediaDeviceMenu, usePersistentUserChoices, usePreviewTracks } from '@livekit/components-react';
import { type LocalAudioTrack, type LocalVideoTrack, Track } from 'livekit-client';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';

export interface PreJoinPanelProps {
  displayName: string;
  joining: boolean;
  error: string | null;
  onJoin(choices: LocalUserChoices): void;
}

/**
 * Camera and microphone preview before joining. Choices (devices, on/off) are
 * remembered in this browser by LiveKit's persistent user choices.
 */
export function PreJoinPanel({ displayName, joining, error, onJoin }: PreJoinPanelProps) {
  const { userChoices, saveAudioInputEnabled, saveVideoInputEnabled, saveAudioInputDeviceId, saveVideoInputDeviceId } =
    usePersistentUserChoices({
      defaults: { videoEnabled: true, audioEnabled: true },
    });
  const [deviceError, setDeviceError] = useState<string | null>(null);
  const { videoEnabled, audioEnabled, videoDeviceId, audioDeviceId } = userChoices;

  // Both must keep their identity across renders: the hook restarts the camera and the
  // microphone whenever either changes (an inline callback restarted them on every render).
  const onDeviceError = useCallback((e: Error) => setDeviceError(`Your camera or microphone is not available: ${e.message}`), []);
  // "default" is LiveKit's placeholder for "no choice yet": asked for exactly, it fails and is asked again.
  const previewOptions = useMemo(
    () => ({
      audio: audioEnabled ? { deviceId: chosenDevice(audioDeviceId) } : false,
      video: videoEnabled ? { deviceId: chosenDevice(videoDeviceId) } : false,
    }),
    [audioEnabled, audioDeviceId, videoEnabled, videoDeviceId],
  );
  const tracks = usePreviewTracks(previewOptions, onDeviceError);
  const videoTrack = useMemo(() => tracks?.find((t) => t.kind === Track.Kind.Video) as LocalVideoTrack | undefined, [tracks]);
  const audioTrack = useMemo(() => tracks?.find((t) => t.kind === Track.Kind.Audio) as LocalAudioTrack | undefined, [tracks]);

  const videoEl = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const el = videoEl.current;
    if (!el || !videoTrack) return;
    videoTrack.attach(el);
    return () => {
      videoTrack.detach(el);
    };
  }, [videoTrack]);

  return (
    <div className="prejoin">
      <div className="prejoin-preview" data-lk-theme="default">
        {videoTrack && videoEnabled ? (
          <video ref={videoEl} muted playsInline aria-label="Your camera preview" />
        ) : (
          <div className="prejoin-placeholder">{videoEnabled ? 'Starting camera…' : 'Camera is off'}</div>
        )}
      </div>
      <div className="prejoin-controls" data-lk-theme="default">
        <DeviceToggle
          label="Microphone"
          kind="audioinput"
          enabled={audioEnabled}
          deviceId={audioDeviceId}
          track={audioTrack}
          onToggle={saveAudioInputEnabled}
          onDevice={saveAudioInputDeviceId}
        />
        <DeviceToggle
          label="Camera"
          kind="videoinput"
          enabled={videoEnabled}
          deviceId={videoDeviceId}
          track={videoTrack}
          onToggle={saveVideoInputEnabled}
          onDevice={saveVideoInputDeviceId}
        />
      </div>
      <p className="muted">
        You join as <strong>{displayName}</strong>.
      </p>
      {(deviceError ?? error) && (
        <p className="error" role="alert">
          {error ?? deviceError}
        </p>
      )}
      <button type="button" className="btn btn-primary btn-large" disabled={joining} onClick={() => onJoin(userChoices)}>
        {joining ? 'Joining…' : 'Join session'}
      </button>
    </div>
  );
}

/** A device the person chose, or undefined for the browser's own default. */
const chosenDevice = (deviceId: string) => (deviceId && deviceId !== 'default' ? deviceId : undefined);

/** An on/off button for a device, with the menu to pick which one. */
function DeviceToggle(props: {
  label: 'Microphone' | 'Camera';
  kind: 'audioinput' | 'videoinput';
  enabled: boolean;
  deviceId: string;
  track: LocalAudioTrack | LocalVideoTrack | undefined;
  onToggle(enabled: boolean): void;
  onDevice(deviceId: string): void;
}) {
  return (
    <div className="lk-button-group">
      <button type="button" className="lk-button" aria-pressed={props.enabled} onClick={() => props.onToggle(!props.enabled)}>
        {props.label} {props.enabled ? 'on' : 'off'}
      </button>
      <div className="lk-button-group-menu">
        <MediaDeviceMenu
          aria-label={`Choose ${props.label.toLowerCase()}`}
          kind={props.kind}
          // Only a real choice: handing the menu the placeholder made it restart the camera once more.
          initialSelection={chosenDevice(props.deviceId)}
          tracks={{ [props.kind]: props.track }}
          onActiveDeviceChange={(_k, id) => props.onDevice(id)}
        />
      </div>
    </div>
  );
}

import { type LocalUserChoices, MediaDeviceMenu, usePersistentUserChoices, usePreviewTracks } from '@livekit/components-react';
import { type LocalAudioTrack, type LocalVideoTrack, Track } from 'livekit-client';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { BusyButton } from '../../app/fields';

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
  const { t } = useTranslation();
  const { userChoices, saveAudioInputEnabled, saveVideoInputEnabled, saveAudioInputDeviceId, saveVideoInputDeviceId } =
    usePersistentUserChoices({
      defaults: { videoEnabled: true, audioEnabled: true },
    });
  const [deviceError, setDeviceError] = useState<string | null>(null);
  const { videoEnabled, audioEnabled, videoDeviceId, audioDeviceId } = userChoices;

  // Both must keep their identity across renders: the hook restarts the camera and the
  // microphone whenever either changes (an inline callback restarted them on every render).
  const onDeviceError = useCallback((e: Error) => setDeviceError(t('prejoin.deviceError', { reason: e.message })), [t]);
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
          <video ref={videoEl} muted playsInline aria-label={t('prejoin.preview')} />
        ) : (
          <div className="prejoin-placeholder">{videoEnabled ? t('prejoin.startingCamera') : t('prejoin.cameraOff')}</div>
        )}
      </div>
      <div className="prejoin-controls" data-lk-theme="default">
        <DeviceToggle
          label={t('call.microphone')}
          menuLabel={t('call.chooseMicrophone')}
          kind="audioinput"
          enabled={audioEnabled}
          deviceId={audioDeviceId}
          track={audioTrack}
          onToggle={saveAudioInputEnabled}
          onDevice={saveAudioInputDeviceId}
        />
        <DeviceToggle
          label={t('call.camera')}
          menuLabel={t('call.chooseCamera')}
          kind="videoinput"
          enabled={videoEnabled}
          deviceId={videoDeviceId}
          track={videoTrack}
          onToggle={saveVideoInputEnabled}
          onDevice={saveVideoInputDeviceId}
        />
      </div>
      <p className="muted">
        <Trans i18nKey="prejoin.joinAs" values={{ name: displayName }} components={{ strong: <strong /> }} />
      </p>
      {(deviceError ?? error) && (
        <p className="error" role="alert">
          {error ?? deviceError}
        </p>
      )}
      <BusyButton className="btn btn-primary btn-large" busy={joining} onClick={() => onJoin(userChoices)}>
        {joining ? t('prejoin.joining') : t('prejoin.join')}
      </BusyButton>
    </div>
  );
}

/** A device the person chose, or undefined for the browser's own default. */
const chosenDevice = (deviceId: string) => (deviceId && deviceId !== 'default' ? deviceId : undefined);

/** An on/off button for a device, with the menu to pick which one. */
function DeviceToggle(props: {
  label: string;
  menuLabel: string;
  kind: 'audioinput' | 'videoinput';
  enabled: boolean;
  deviceId: string;
  track: LocalAudioTrack | LocalVideoTrack | undefined;
  onToggle(enabled: boolean): void;
  onDevice(deviceId: string): void;
}) {
  const { t } = useTranslation();
  return (
    <div className="lk-button-group">
      <button type="button" className="lk-button" aria-pressed={props.enabled} onClick={() => props.onToggle(!props.enabled)}>
        {props.enabled ? t('prejoin.on', { device: props.label }) : t('prejoin.off', { device: props.label })}
      </button>
      <div className="lk-button-group-menu">
        <MediaDeviceMenu
          aria-label={props.menuLabel}
          title={props.menuLabel}
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

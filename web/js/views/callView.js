// The call's part of the page: the call buttons in a direct room's header,
// the call panel (data-testid="call", data-state: calling | ringing |
// connecting | connected) with the other person's name, the media, the
// duration and the buttons that fit the state, and a short status line
// after a call ends (data-testid="call-status").
import { duration } from '../format.js';

const kButtons = {
  calling: ['call-hangup', 'call-mute', 'call-camera'],
  ringing: ['call-accept', 'call-reject'],
  connecting: ['call-hangup', 'call-mute', 'call-camera'],
  connected: ['call-hangup', 'call-mute', 'call-camera'],
};
const kStatusShownMs = 8000;

export class CallView {
  // handlers: onCall(media), onAccept(), onReject(), onHangup(), onMute(on), onCamera(off).
  constructor(handlers) {
    this.panel = document.getElementById('call');
    this.statusLine = document.getElementById('call-status');
    this.remote = document.getElementById('remote-media');
    this.local = document.getElementById('local-media');
    this.durationNode = document.getElementById('call-duration');
    this.clock = null;
    this.statusTimer = null;
    const on = (id, listener) => document.getElementById(id).addEventListener('click', listener);
    on('call-audio', () => handlers.onCall('audio'));
    on('call-video', () => handlers.onCall('video'));
    on('call-accept', () => handlers.onAccept());
    on('call-reject', () => handlers.onReject());
    on('call-hangup', () => handlers.onHangup());
    on('call-mute', (event) => handlers.onMute(toggle(event.currentTarget)));
    on('call-camera', (event) => handlers.onCamera(toggle(event.currentTarget)));
  }

  // The call buttons, in a direct room while no call is on.
  showCallButtons(visible) {
    document.getElementById('call-buttons').hidden = !visible;
  }

  // state: see above; text: what the panel says; video: a video call.
  show(state, text, video) {
    this.panel.hidden = false;
    this.panel.dataset.state = state;
    this.panel.dataset.media = video ? 'video' : 'audio';
    document.getElementById('call-text').textContent = text;
    for (const id of ['call-accept', 'call-reject', 'call-mute', 'call-camera', 'call-hangup']) {
      const button = document.getElementById(id);
      button.hidden = !kButtons[state].includes(id) || (id === 'call-camera' && !video);
    }
    this.remote.hidden = !video;
    this.local.hidden = !video;
    this.showCallButtons(false);
    this.statusLine.hidden = true;
  }

  // The ICE connection state, for whoever needs to see how the link is.
  showLink(iceState) {
    this.panel.dataset.ice = iceState;
  }

  setStreams(local, remote) {
    if (local !== undefined) this.local.srcObject = local;
    if (remote !== undefined) this.remote.srcObject = remote;
  }

  startClock(sinceMs) {
    clearInterval(this.clock);
    const tick = () => { this.durationNode.textContent = duration(Date.now() - sinceMs); };
    tick();
    this.clock = setInterval(tick, 1000);
  }

  // The call is over: the panel goes, the status says why (if anything).
  end(status) {
    clearInterval(this.clock);
    this.clock = null;
    this.durationNode.textContent = '';
    this.setStreams(null, null);
    this.panel.hidden = true;
    delete this.panel.dataset.state;
    delete this.panel.dataset.ice;
    for (const id of ['call-mute', 'call-camera']) setPressed(document.getElementById(id), false);
    clearTimeout(this.statusTimer);
    this.statusLine.textContent = status;
    this.statusLine.hidden = !status;
    if (status) this.statusTimer = setTimeout(() => { this.statusLine.hidden = true; }, kStatusShownMs);
  }
}

// The words of the toggle buttons, pressed and not.
const kToggleText = { 'call-mute': ['Unmute', 'Mute'], 'call-camera': ['Camera on', 'Camera off'] };

// Flips a toggle button; returns whether it is now pressed.
function toggle(button) {
  const on = button.getAttribute('aria-pressed') !== 'true';
  setPressed(button, on);
  return on;
}

function setPressed(button, on) {
  button.setAttribute('aria-pressed', String(on));
  button.textContent = kToggleText[button.id][on ? 0 : 1];
}

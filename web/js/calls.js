// This tab's one call: placed from a direct room or answered when it rings,
// with WebRTC (an RTCPeerConnection configured with the server's
// ice_servers; the microphone and, for a video call, the camera) over the
// SDK's call signalling (client.calls, docs/sdk.md). The caller offers once
// the callee accepts; both trickle ICE candidates. CallView draws it.
import { CallView } from './views/callView.js';
import { displayName } from './rooms.js';

// Why a call ended, in words ({name}: the other person).
const kCancelled = {
  answered_elsewhere: 'Answered in another tab',
  rejected: 'Declined in another tab',
  busy: '',
};
const kHungUp = {
  hung_up: '{name} hung up',
  no_answer: 'No answer from {name}',
  disconnected: 'Call dropped: {name} lost the connection',
};

export class CallController {
  constructor(chat) {
    this.chat = chat;
    this.call = null;  // {id, roomId, media, name, caller, local, pc, remoteSet, pendingIce, connectedAt}
    this.stopListening = [];
    this.view = new CallView({
      onCall: (media) => this.place(media),
      onAccept: () => this.accept(),
      onReject: () => this.reject(),
      onHangup: () => this.hangup(),
      onMute: (on) => this.call?.local?.getAudioTracks().forEach((t) => { t.enabled = !on; }),
      onCamera: (off) => this.call?.local?.getVideoTracks().forEach((t) => { t.enabled = !off; }),
    });
  }

  get signals() {
    return this.chat.client.calls;
  }

  // Listens to a signed-in client's call events (until detach()).
  attach(client) {
    const calls = client.calls;
    const mine = (listener) => (data) => { if (this.call && this.call.id === data.call_id) listener(this.call, data); };
    this.stopListening = [
      calls.on('invite', (data) => this.ring(data)),
      calls.on('accept', mine((call) => this.offer(call))),
      calls.on('offer', mine((call, data) => this.answer(call, data.sdp))),
      calls.on('answer', mine((call, data) => this.remoteDescription(call, { type: 'answer', sdp: data.sdp }))),
      calls.on('ice', mine((call, data) => this.addCandidate(call, data.candidate))),
      calls.on('reject', mine((call) => this.finish(`${call.name} declined the call`))),
      calls.on('busy', mine((call) => this.finish(`${call.name} is in another call`))),
      calls.on('cancelled', mine((call, data) => this.finish(kCancelled[data.reason] ?? `Missed call from ${call.name}`))),
      calls.on('hangup', mine((call, data) => this.finish(words(kHungUp[data.reason] ?? 'Call ended', call)))),
      // The server hangs up the calls of a session that closes: each new state is another session.
      client.on('state', () => { if (this.call) this.finish('Call dropped: the connection was lost'); }),
    ];
  }

  detach() {
    for (const stop of this.stopListening) stop();
    this.stopListening = [];
    if (this.call) this.finish('');
    this.view.showCallButtons(false);
  }

  // The open room changed: the call buttons are for direct rooms.
  roomShown(room) {
    this.view.showCallButtons(Boolean(room && room.kind === 'direct' && !this.call));
  }

  async place(media) {
    const room = this.chat.openRoom();
    if (!room || room.kind !== 'direct' || this.call) return;
    const call = this.newCall({ roomId: room.id, media, name: room.title(this.chat.me), caller: true });
    this.view.show('calling', `Calling ${call.name}…`, media === 'video');
    try {
      await this.useDevices(call);
      const data = await this.signals.invite(room.id, media);
      if (this.call !== call) {
        this.signals.hangup(data.call_id);  // hung up while it was being placed
        return;
      }
      call.id = data.call_id;
    } catch (error) {
      if (this.call === call) this.finish(error.code === 'in_call' ? 'You are in a call already' : `Cannot call: ${error.message}`);
    }
  }

  ring(data) {
    if (this.call) return;
    const name = displayName(data.from);
    this.newCall({ id: data.call_id, roomId: data.room_id, media: data.media, name, caller: false });
    this.view.show('ringing', `${name} is calling${data.media === 'video' ? ' (video)' : ''}…`, false);
  }

  async accept() {
    const call = this.call;
    if (!call || call.caller || call.pc) return;
    this.view.show('connecting', `Connecting to ${call.name}…`, call.media === 'video');
    try {
      await this.useDevices(call);
      if (this.call !== call) return;
      this.connect(call);
      this.signals.accept(call.id);
    } catch (error) {
      if (this.call !== call) return;
      this.signals.reject(call.id);
      this.finish(`Cannot answer: ${error.message}`);
    }
  }

  reject() {
    if (!this.call || this.call.caller) return;
    this.signals.reject(this.call.id);
    this.finish('');
  }

  hangup() {
    if (!this.call) return;
    if (this.call.id) this.signals.hangup(this.call.id);
    this.finish('Call ended');
  }

  newCall(fields) {
    this.call = { id: null, local: null, pc: null, remoteSet: false, pendingIce: [], connectedAt: 0, ...fields };
    return this.call;
  }

  async useDevices(call) {
    const local = await navigator.mediaDevices.getUserMedia({ audio: true, video: call.media === 'video' });
    if (this.call !== call) {
      stopTracks(local);
      return;
    }
    call.local = local;
    this.view.setStreams(local);
  }

  connect(call) {
    const pc = new RTCPeerConnection({ iceServers: this.chat.client.iceServers });
    call.pc = pc;
    for (const track of call.local.getTracks()) pc.addTrack(track, call.local);
    pc.onicecandidate = (event) => { if (event.candidate) this.signals.ice(call.id, event.candidate.toJSON()); };
    pc.ontrack = (event) => this.view.setStreams(undefined, event.streams[0] || new MediaStream([event.track]));
    pc.oniceconnectionstatechange = () => this.linkChanged(call);
  }

  linkChanged(call) {
    if (this.call !== call) return;
    const state = call.pc.iceConnectionState;
    this.view.showLink(state);
    if ((state === 'connected' || state === 'completed') && !call.connectedAt) {
      call.connectedAt = Date.now();
      this.view.show('connected', `In a call with ${call.name}`, call.media === 'video');
      this.view.startClock(call.connectedAt);
    } else if (state === 'failed') {
      this.signals.hangup(call.id);
      this.finish('The call could not connect');
    }
  }

  // The caller, once the callee accepted.
  async offer(call) {
    this.view.show('connecting', `Connecting to ${call.name}…`, call.media === 'video');
    await this.negotiate(call, async () => {
      this.connect(call);
      const offer = await call.pc.createOffer();
      await call.pc.setLocalDescription(offer);
      this.signals.offer(call.id, offer.sdp);
    });
  }

  // The callee, given the caller's offer.
  async answer(call, sdp) {
    await this.negotiate(call, async () => {
      await this.remoteDescription(call, { type: 'offer', sdp });
      const answer = await call.pc.createAnswer();
      await call.pc.setLocalDescription(answer);
      this.signals.answer(call.id, answer.sdp);
    });
  }

  async remoteDescription(call, description) {
    await this.negotiate(call, async () => {
      await call.pc.setRemoteDescription(description);
      call.remoteSet = true;
      for (const candidate of call.pendingIce.splice(0)) await call.pc.addIceCandidate(candidate);
    });
  }

  // Candidates that come before the remote description wait for it.
  async addCandidate(call, candidate) {
    if (!call.pc || !call.remoteSet) {
      call.pendingIce.push(candidate);
      return;
    }
    await this.negotiate(call, () => call.pc.addIceCandidate(candidate));
  }

  // Runs a WebRTC step; one that fails ends the call.
  async negotiate(call, step) {
    try {
      await step();
    } catch (error) {
      if (this.call !== call) return;
      this.signals.hangup(call.id);
      this.finish(`The call failed: ${error.message}`);
    }
  }

  finish(status) {
    const call = this.call;
    this.call = null;
    if (call.local) stopTracks(call.local);
    call.pc?.close();
    this.view.end(status);
    this.roomShown(this.chat.openRoom());
  }
}

function stopTracks(stream) {
  for (const track of stream.getTracks()) track.stop();
}

function words(template, call) {
  return template.replace('{name}', call.name);
}

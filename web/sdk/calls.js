// Call signalling (docs/protocol.md, "Calls"): the messages that set up and
// end an audio or video call in a direct room, and the events of the
// server's call frames. The media itself (RTCPeerConnection, devices) is
// the application's: this relays its SDP and ICE candidates, opaque.
// Made by ChatClient as `chat.calls`.
import { Emitter } from './emitter.js';

// Server frame type -> the event emitted (with frame.data and the frame).
const kEvents = {
  call_invite: 'invite', call_accept: 'accept', call_reject: 'reject', call_cancelled: 'cancelled',
  call_offer: 'offer', call_answer: 'answer', call_ice: 'ice', call_hangup: 'hangup', call_busy: 'busy',
};

export class Calls extends Emitter {
  constructor(client) {
    super();
    this.client = client;
  }

  // Rings the other member of a direct room: resolves with {call_id, media,
  // from} (rejects with ChatError: in_call, bad_request, not_found, offline).
  async invite(roomId, media = 'audio') {
    return (await this.client.request({ type: 'call_invite', room_id: roomId, media })).data;
  }

  // The rest are answered only by the other side's frames (or an `error`
  // frame with ref "call:CALL_ID"): each returns false when not connected.
  accept(callId) {
    return this.signal('call_accept', callId);
  }

  reject(callId) {
    return this.signal('call_reject', callId);
  }

  hangup(callId) {
    return this.signal('call_hangup', callId);
  }

  offer(callId, sdp) {
    return this.signal('call_offer', callId, { sdp });
  }

  answer(callId, sdp) {
    return this.signal('call_answer', callId, { sdp });
  }

  // candidate: an RTCIceCandidateInit ({candidate, sdpMid, sdpMLineIndex}).
  ice(callId, candidate) {
    return this.signal('call_ice', callId, { candidate });
  }

  signal(type, callId, fields = {}) {
    return this.client.connection.send({ type, call_id: callId, ...fields, ref: `call:${callId}` });
  }

  // A server frame about a call. The answer to my own invite (with its ref)
  // is invite()'s, not an incoming call.
  received(frame) {
    const event = kEvents[frame.type];
    if (!event || (frame.type === 'call_invite' && frame.ref !== undefined)) return;
    this.emit(event, { room_id: frame.room_id, ...frame.data }, frame);
  }
}

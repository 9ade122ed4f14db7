// The one error type of the SDK: a refusal by the server (an `error` frame
// or an HTTP error answer, with its stable `code`, docs/protocol.md) or a
// local condition ('offline', 'closed', 'network', 'aborted').
export class ChatError extends Error {
  // status: the HTTP status (0 for WebSocket errors and local ones);
  // frame: the `error` frame, when there was one.
  constructor(code, message, { status = 0, frame = null } = {}) {
    super(message || code);
    this.name = 'ChatError';
    this.code = code;
    this.status = status;
    this.frame = frame;
  }

  static fromFrame(frame) {
    return new ChatError(frame.code, frame.message, { frame });
  }
}

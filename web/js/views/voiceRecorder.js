// Recording a voice message: the microphone button starts (data-testid=
// "record-voice"); the recording bar (data-testid="recorder") shows the
// time elapsed, with Send (or the microphone button again) to stop and
// send, and Cancel (or Esc) to throw it away. MediaRecorder, Opus in WebM
// or Ogg, whichever the browser records.
import { duration } from '../format.js';
import { showError } from './errorView.js';

const kTypes = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm', 'audio/ogg'];

export class VoiceRecorder {
  // onRecorded(blob, durationMs): a recording to send; its blob's type
  // without codec parameters (what the upload declares).
  constructor(onRecorded) {
    this.onRecorded = onRecorded;
    this.button = document.getElementById('record-voice');
    this.bar = document.getElementById('recorder');
    this.clock = document.getElementById('recorder-time');
    this.recording = null;  // {recorder, stream, chunks, startedAt, timer, keep}
    this.button.addEventListener('click', () => (this.recording ? this.stop(true) : this.start()));
    document.getElementById('recorder-send').addEventListener('click', () => this.stop(true));
    document.getElementById('recorder-cancel').addEventListener('click', () => this.stop(false));
    this.bar.addEventListener('keydown', (event) => { if (event.key === 'Escape') this.stop(false); });
    this.button.hidden = !globalThis.MediaRecorder || !navigator.mediaDevices?.getUserMedia;
  }

  enable(enabled) {
    this.button.disabled = !enabled;
    if (!enabled) this.stop(false);
  }

  async start() {
    if (this.recording || this.starting) return;
    this.starting = true;
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (error) {
      showError('microphone', `Cannot use the microphone: ${error.message}`);
      return;
    } finally {
      this.starting = false;
    }
    const mimeType = kTypes.find((type) => MediaRecorder.isTypeSupported(type));
    const recorder = new MediaRecorder(stream, mimeType ? { mimeType } : {});
    const recording = { recorder, stream, chunks: [], startedAt: Date.now(), keep: false };
    recorder.addEventListener('dataavailable', (event) => { if (event.data.size > 0) recording.chunks.push(event.data); });
    recorder.addEventListener('stop', () => this.finished(recording));
    recorder.start(250);
    recording.timer = setInterval(() => this.tick(recording), 250);
    this.recording = recording;
    this.tick(recording);
    this.bar.hidden = false;
    this.button.setAttribute('aria-pressed', 'true');
    this.button.setAttribute('aria-label', 'Stop and send the voice message');
    document.getElementById('recorder-send').focus();
  }

  tick(recording) {
    this.clock.textContent = duration(Date.now() - recording.startedAt);
  }

  // keep: send what was recorded, else throw it away.
  stop(keep) {
    const recording = this.recording;
    if (!recording) return;
    this.recording = null;
    recording.keep = keep;
    recording.durationMs = Date.now() - recording.startedAt;
    clearInterval(recording.timer);
    recording.recorder.stop();  // its last chunk, then 'stop'
    recording.stream.getTracks().forEach((track) => track.stop());
    this.bar.hidden = true;
    this.button.setAttribute('aria-pressed', 'false');
    this.button.setAttribute('aria-label', 'Record a voice message');
    this.button.focus();
  }

  finished(recording) {
    if (!recording.keep || recording.chunks.length === 0) return;
    const type = (recording.recorder.mimeType || recording.chunks[0].type || 'audio/webm').split(';')[0];
    this.onRecorded(new Blob(recording.chunks, { type }), recording.durationMs);
  }
}

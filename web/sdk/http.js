// chatd's HTTP API (docs/protocol.md): JSON in and out, the token as a
// Bearer header. A refusal rejects with ChatError carrying the server's code
// and the HTTP status; an unreachable server with code 'network'.
import { ChatError } from './errors.js';

export class HttpApi {
  // baseUrl: 'https://host' ('' for the page's own origin); tokenSource:
  // () => the token, a promise of it, or null; fetchImpl: fetch.
  constructor(baseUrl, tokenSource, fetchImpl = globalThis.fetch) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.tokenSource = tokenSource;
    this.fetch = (...args) => fetchImpl(...args);  // a browser's fetch refuses another `this`
  }

  // body: a value sent as JSON, or undefined for none.
  request(method, path, body) {
    const headers = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return this.send(method, path, headers, body === undefined ? undefined : JSON.stringify(body));
  }

  // Posts raw bytes (a Blob, ArrayBuffer, typed array or string) to
  // POST /api/v1/files?name=NAME; resolves with {id, name, size, content_type, sha256, url}.
  // onProgress(sentBytes, totalBytes): called as the body goes out, over
  // XMLHttpRequest where there is one (fetch reports no upload progress);
  // without it, once when the upload is done. signal: an AbortSignal that
  // cancels the upload (rejects with code 'aborted').
  async upload(data, { name, contentType, onProgress, signal } = {}) {
    const type = contentType || data.type || 'application/octet-stream';
    const path = `/api/v1/files${name ? `?name=${encodeURIComponent(name)}` : ''}`;
    const headers = { 'Content-Type': type };
    if (!onProgress || !globalThis.XMLHttpRequest) {
      const reply = await this.send('POST', path, headers, data, signal);
      onProgress?.(reply.size, reply.size);
      return reply;
    }
    const token = await this.tokenSource();
    if (token) headers.Authorization = `Bearer ${token}`;
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', this.baseUrl + path);
      for (const [header, value] of Object.entries(headers)) xhr.setRequestHeader(header, value);
      xhr.upload.onprogress = (event) => onProgress(event.loaded, event.total);
      xhr.onload = () => {
        let reply = null;
        try {
          reply = JSON.parse(xhr.responseText);
        } catch {
          // a refusal without a JSON body: its status says enough
        }
        if (xhr.status >= 200 && xhr.status < 300) resolve(reply);
        else reject(refusal(xhr.status, xhr.statusText, reply));
      };
      xhr.onerror = () => reject(new ChatError('network', 'cannot reach the server'));
      xhr.onabort = () => reject(new ChatError('aborted', 'the upload was cancelled'));
      signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      if (signal?.aborted) xhr.abort();
      else xhr.send(data);
    });
  }

  async send(method, path, headers, body, signal) {
    const token = await this.tokenSource();
    if (token) headers.Authorization = `Bearer ${token}`;
    let response;
    try {
      response = await this.fetch(this.baseUrl + path, { method, headers, body, signal });
    } catch {
      if (signal?.aborted) throw new ChatError('aborted', 'the upload was cancelled');
      throw new ChatError('network', 'cannot reach the server');
    }
    if (response.status === 204) return null;
    const data = await response.json().catch(() => null);
    if (!response.ok) throw refusal(response.status, response.statusText, data);
    return data;
  }
}

// The ChatError for an HTTP refusal: the server's {error: {code, message}}, else the status.
function refusal(status, statusText, data) {
  const error = data && data.error;
  return new ChatError(error ? error.code : `http_${status}`, error ? error.message : statusText, { status });
}

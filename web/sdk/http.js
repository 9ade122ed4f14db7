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
  // POST /api/v1/files?name=NAME; resolves with {id, name, size, content_type, sha256}.
  upload(data, { name, contentType } = {}) {
    const type = contentType || data.type || 'application/octet-stream';
    const query = name ? `?name=${encodeURIComponent(name)}` : '';
    return this.send('POST', `/api/v1/files${query}`, { 'Content-Type': type }, data);
  }

  async send(method, path, headers, body) {
    const token = await this.tokenSource();
    if (token) headers.Authorization = `Bearer ${token}`;
    let response;
    try {
      response = await this.fetch(this.baseUrl + path, { method, headers, body });
    } catch {
      throw new ChatError('network', 'cannot reach the server');
    }
    if (response.status === 204) return null;
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      const error = data && data.error;
      throw new ChatError(error ? error.code : `http_${response.status}`, error ? error.message : response.statusText,
                          { status: response.status });
    }
    return data;
  }
}

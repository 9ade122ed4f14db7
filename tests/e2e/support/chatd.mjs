// A real chatd for a test: its own data directory, port 0 (or a given port,
// to restart on the same address), --web-root pointing at the repository's
// web/, and with { tls: true } its own self-signed certificate (https:// and
// wss:// on that port). The binary is $CHATD_BIN (tests/run.sh sets it),
// else build/chatd.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { selfSignedCertificate } from './certificate.mjs';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const kStartMs = 10000;
const kStopMs = 10000;

// $CHATD_BIN is taken relative to the working directory, as a shell would.
export function chatdBinary() {
  return process.env.CHATD_BIN ? path.resolve(process.env.CHATD_BIN) : path.join(repoRoot, 'build/chatd');
}

export class Chatd {
  // extraArgs: more flags (e.g. ['--rate', '0']); options.tls: serve TLS
  // (--tls-cert, --tls-key) with a certificate made for this chatd.
  static async start(extraArgs = [], options = {}) {
    const chatd = new Chatd(extraArgs, options);
    try {
      await chatd.start();
    } catch (error) {
      chatd.certificate?.dispose();
      throw error;
    }
    return chatd;
  }

  constructor(extraArgs, { tls = false } = {}) {
    this.certificate = tls ? selfSignedCertificate() : null;
    this.extraArgs = tls ? ['--tls-cert', this.certificate.certFile, '--tls-key', this.certificate.keyFile, ...extraArgs]
                         : extraArgs;
    this.dataDir = mkdtempSync(path.join(tmpdir(), 'chatd-e2e-'));
    this.port = 0;
    this.log = '';
    this.child = null;
  }

  get secure() {
    return this.certificate !== null;
  }

  // Over TLS by the name the certificate is for, as a person would type it.
  get url() {
    return this.secure ? `https://localhost:${this.port}` : `http://127.0.0.1:${this.port}`;
  }

  // Starts the process (again, on the same port and data once it has one)
  // and resolves when it logs the address it listens on.
  start() {
    const args = ['--listen', `127.0.0.1:${this.port}`, '--data', this.dataDir, '--argon2-memory', '1024',
                  '--web-root', path.join(repoRoot, 'web'), ...this.extraArgs];
    const child = spawn(chatdBinary(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    const logFrom = this.log.length;
    this.stopping = false;
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => {
      if (!this.stopping && this.listening) this.crashed = { code, signal };
      this.listening = false;
      resolve({ code, signal });
    }));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`chatd did not start listening:\n${this.log}`)), kStartMs);
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`cannot run ${chatdBinary()}: ${error.message}`));
      });
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (text) => {
        this.log += text;
        const found = /listening on 127\.0\.0\.1:(\d+)/.exec(this.log.slice(logFrom));
        if (found && this.child === child && !this.listening) {
          this.listening = true;
          this.port = Number(found[1]);
          clearTimeout(timer);
          resolve();
        }
      });
      this.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`chatd exited (${code ?? signal}) at start:\n${this.log}`));  // no-op once listening
      });
    });
  }

  // Sends `signal` and resolves with {code, signal} of the exit (SIGKILL
  // after kStopMs).
  async stop(signal = 'SIGTERM') {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return this.exited;
    this.stopping = true;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), kStopMs);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }

  // Kills the process and removes its data; throws, with the log, if chatd
  // had died on its own (a crash, a sanitizer report).
  async dispose() {
    await this.stop('SIGKILL');
    rmSync(this.dataDir, { recursive: true, force: true });
    this.certificate?.dispose();
    if (this.crashed) {
      throw new Error(`chatd exited by itself (${this.crashed.code ?? this.crashed.signal}):\n${this.log}`);
    }
  }
}

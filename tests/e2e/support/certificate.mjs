// A throwaway self-signed certificate for localhost and 127.0.0.1, made with
// the openssl command line in a temporary directory, for a chatd serving
// https:// and wss://. Browsers cannot verify it: a test's browser context
// ignores certificate errors (openClient does for a chatd with TLS).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function selfSignedCertificate() {
  const dir = mkdtempSync(path.join(tmpdir(), 'chatd-e2e-tls-'));
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
                             '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=localhost',
                             '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
                 { stdio: ['ignore', 'ignore', 'pipe'], timeout: 20000 });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`openssl could not make a certificate: ${error.stderr ?? error.message}`);
  }
  return { certFile, keyFile, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

// Headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core,
// and the steps every test repeats: open the client, register, wait for the
// connection. Every page records its console errors and uncaught exceptions;
// expectNoConsoleErrors() fails the test on any.
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { Chatd } from './chatd.mjs';

export const kChromium = '/usr/bin/chromium';
const kActionTimeoutMs = 10000;

// args: more Chromium switches (e.g. fake media devices for calls).
export function launch(args = []) {
  return chromium.launch({ executablePath: kChromium, headless: true, args });
}

// A fresh browser context (its own storage: another person) with one
// page on the client. `prepare(page)` runs before the page loads (routes).
// A chatd with TLS has a self-signed certificate, which the context accepts.
export async function openClient(browser, chatd, viewport = { width: 1100, height: 720 }, prepare = async () => {}) {
  const context = await browser.newContext({ viewport, ignoreHTTPSErrors: chatd.secure });
  context.setDefaultTimeout(kActionTimeoutMs);
  const page = await context.newPage();
  await prepare(page);
  page.consoleErrors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') page.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => page.consoleErrors.push(`uncaught: ${error.message}`));
  await page.goto(chatd.url + '/');
  return page;
}

// `action`: the form's button, 'register' or 'login'.
export async function registerInPage(page, username, password = 'correct-horse-battery', action = 'register') {
  await page.getByTestId('username').fill(username);
  await page.getByTestId('password').fill(password);
  await page.getByTestId(action).click();
  await connected(page);
}

export function connected(page, timeout) {
  return page.locator('[data-testid="connection-status"][data-state="connected"]').waitFor({ timeout });
}

// A person: a new context, the client opened, registered and connected.
export async function person(browser, chatd, username, viewport, prepare) {
  const page = await openClient(browser, chatd, viewport, prepare);
  await registerInPage(page, username);
  return page;
}

export function message(page, text) {
  return page.locator('[data-testid="message-list"] [data-testid="message"]', { hasText: text });
}

export async function sendMessage(page, text) {
  await page.getByTestId('message-input').fill(text);
  await page.getByTestId('message-input').press('Enter');
}

// Contents of the open room's messages, top to bottom.
export function messageTexts(page) {
  return page.locator('[data-testid="message-list"] [data-testid="message"] .content').allTextContents();
}

// `allowed`: patterns of errors the test expects (a refused WebSocket while
// the server is down is logged by Chromium itself).
export function expectNoConsoleErrors(pages, allowed = []) {
  for (const page of pages) {
    const unexpected = page.consoleErrors.filter((text) => !allowed.some((pattern) => pattern.test(text)));
    assert.deepEqual(unexpected, [], 'console errors on the page');
  }
}

// Runs `body(chatd, pages)` against a fresh chatd started with `args` (and
// Chatd.start's `options`); `pages` collects the pages the test opens, whose
// consoles must stay clean.
export async function withChatd(args, body, options) {
  const chatd = await Chatd.start(args, options);
  const pages = [];
  try {
    await body(chatd, pages);
    expectNoConsoleErrors(pages);
  } finally {
    await Promise.all(pages.map((p) => p.context().close()));
    await chatd.dispose();
  }
}

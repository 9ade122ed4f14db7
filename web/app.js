// chatd's web client. Signed out: the sign-in form. Signed in: the chat
// (js/chat.js), with the token kept in this tab's sessionStorage.
import { Api } from './js/api.js';
import { session } from './js/session.js';
import { Chat } from './js/chat.js';
import { wireAuthForm, showAuth } from './js/views/authView.js';
import { showError, hideError, wireErrorBanner } from './js/views/errorView.js';
import { showConnection } from './js/views/statusView.js';

const api = new Api(() => session.token);
const chat = new Chat(api, signedOut);

function signedIn() {
  showAuth(false);
  chat.start(session.user, session.token);
}

function signedOut(reason) {
  session.signOut();
  showConnection('offline');
  showAuth(true);
  if (reason) showError('unauthorized', reason);
}

wireErrorBanner();
wireAuthForm(async (action, username, password) => {
  try {
    const reply = action === 'register' ? await api.register(username, password) : await api.login(username, password);
    session.signIn(reply.token, reply.user);
    hideError();
    signedIn();
  } catch (error) {
    showError(error.code, error.message);
  }
});

if (session.token && session.user) signedIn();
else showAuth(true);

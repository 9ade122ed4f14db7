// chatd's web client. Signed out: the sign-in form. Signed in: the chat
// (js/chat.js), with the token shared by this origin's tabs (js/session.js):
// a sign-in or sign-out in one tab is followed by the others.
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
  chat.start(session.user);
}

function signedOut(reason, token) {
  session.signOut(token);
  showConnection('offline');
  showAuth(true);
  if (reason) showError('unauthorized', reason);
}

// Another tab signed in, out, or in as someone else.
function sharedTokenChanged() {
  const signedInHere = chat.client !== null;
  if (signedInHere && (!session.token || session.user?.id !== chat.me.id)) {
    chat.stop();
    showConnection('offline');
    showAuth(true);
  }
  if (session.token && session.user && chat.client === null) signedIn();
}

wireErrorBanner();
wireAuthForm(async (action, username, password) => {
  try {
    const reply = action === 'register' ? await api.register(username, password) : await api.login(username, password);
    session.signIn(reply.token, reply.user);
    hideError();
    if (chat.client) chat.stop();  // another tab signed this one in meanwhile
    signedIn();
  } catch (error) {
    showError(error.code, error.message);
  }
});
window.addEventListener('storage', (event) => {
  if (event.storageArea === localStorage && (event.key === null || event.key === session.tokenKey)) sharedTokenChanged();
});

if (session.token && session.user) signedIn();
else showAuth(true);

// The sign-in form: Log in (the form's submit, so Enter works) or Register.
// onSubmit(action, username, password) returns a promise; the form is busy
// until it settles.
export function wireAuthForm(onSubmit) {
  const form = document.getElementById('auth-form');
  const username = document.getElementById('username');
  const password = document.getElementById('password');
  const buttons = form.querySelectorAll('button');
  const run = async (action) => {
    if (!form.reportValidity()) return;
    buttons.forEach((b) => { b.disabled = true; });
    try {
      await onSubmit(action, username.value.trim(), password.value);
      password.value = '';
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    run('login');
  });
  document.getElementById('register').addEventListener('click', () => run('register'));
}

export function showAuth(visible) {
  document.getElementById('auth-view').hidden = !visible;
  document.getElementById('chat-view').hidden = visible;
  if (visible) document.getElementById('username').focus();
}

// The message box: Enter sends, Shift+Enter (or an IME composition) is a new
// line. Calls onTyping() on every edit; the owner throttles what it sends.
// With files waiting (hasFiles()), an empty text sends them without a caption.
export class Composer {
  constructor(onSend, onTyping, hasFiles) {
    this.hasFiles = hasFiles;
    this.form = document.getElementById('composer');
    this.input = document.getElementById('message-input');
    this.button = document.getElementById('send');
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit(onSend);
    });
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit(onSend);
      }
    });
    this.input.addEventListener('input', () => {
      if (this.input.value !== '') onTyping();
    });
  }

  submit(onSend) {
    const text = this.input.value;
    if (text.trim() === '' && !this.hasFiles()) return;
    this.input.value = '';
    onSend(text);
  }

  enable(enabled) {
    this.input.disabled = !enabled;
    this.button.disabled = !enabled;
  }

  // Puts back a message the server refused, unless something new was typed.
  restore(text) {
    if (this.input.value === '') this.input.value = text;
    this.input.focus();
  }

  focus() {
    this.input.focus();
  }
}

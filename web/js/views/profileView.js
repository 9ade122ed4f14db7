// The profile dialog (data-testid="profile-dialog"), opened by clicking my
// name in the top bar: my nickname, and my picture (choose one, or remove
// the one I have). Save hands the changes to the owner, which uploads the
// picture and saves the profile (PATCH /api/v1/me).
import { renderAvatar } from './avatarView.js';
import { thumbnailUrl } from '../media.js';

export class ProfileView {
  // onSave({nickname, picture (a File or null), removePicture}): resolves
  // when saved (the dialog closes), rejects to keep it open.
  constructor(onSave) {
    this.dialog = document.getElementById('profile-dialog');
    this.form = document.getElementById('profile-form');
    this.nickname = document.getElementById('profile-nickname');
    this.picker = document.getElementById('profile-picture');
    this.preview = document.getElementById('profile-avatar');
    this.removeButton = document.getElementById('profile-remove-picture');
    this.save = document.getElementById('profile-save');
    this.user = null;
    this.removePicture = false;
    this.picker.addEventListener('change', async () => {
      const file = this.picker.files[0];
      if (!file) return;
      this.removePicture = false;
      const url = await thumbnailUrl(file);
      if (this.picker.files[0] === file) this.showPreview({ ...this.user, avatar_url: url || undefined });
    });
    this.removeButton.addEventListener('click', () => {
      this.picker.value = '';
      this.removePicture = true;
      this.showPreview({ ...this.user, avatar_url: undefined });
    });
    document.getElementById('profile-cancel').addEventListener('click', () => this.close());
    this.form.addEventListener('submit', async (event) => {
      event.preventDefault();
      this.save.disabled = true;
      try {
        await onSave({ nickname: this.nickname.value.trim(), picture: this.picker.files[0] || null, removePicture: this.removePicture });
        this.close();
      } catch {
        // the owner has said what went wrong; the dialog stays for another try
      } finally {
        this.save.disabled = false;
      }
    });
  }

  open(user) {
    this.user = user;
    this.removePicture = false;
    this.picker.value = '';
    this.nickname.value = user.nickname || '';
    this.showPreview(user);
    this.dialog.showModal();
    this.nickname.focus();
  }

  close() {
    if (this.dialog.open) this.dialog.close();
  }

  showPreview(user) {
    this.preview.replaceChildren(renderAvatar(user, 'large'));
    this.removeButton.hidden = !user.avatar_url;
  }
}

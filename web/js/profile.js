// My profile: my name in the top bar (with my avatar) opens the dialog
// (profileView.js); saving uploads a new picture first, then sets the
// nickname and the picture with PATCH /api/v1/me (docs/protocol.md,
// avatars). Others see the change on my next messages and presence.
import { ProfileView } from './views/profileView.js';
import { renderAvatar } from './views/avatarView.js';
import { showError } from './views/errorView.js';
import { displayName } from './rooms.js';
import { el } from './dom.js';
import { session } from './session.js';

export class Profile {
  constructor(chat) {
    this.chat = chat;
    this.view = new ProfileView((changes) => this.save(changes));
    this.node = document.getElementById('me');
    this.node.addEventListener('click', () => { if (this.chat.client) this.view.open(this.chat.me); });
  }

  // The top bar's me: avatar and name.
  show(user) {
    this.node.replaceChildren(renderAvatar(user), el('span', { className: 'me-name', text: displayName(user) }));
    this.node.setAttribute('aria-label', `${displayName(user)}: your profile`);
    this.node.hidden = false;
  }

  hide() {
    this.view.close();
    this.node.hidden = true;
  }

  async save({ nickname, picture, removePicture }) {
    const chat = this.chat;
    const client = chat.client;
    try {
      const changes = {};
      if (nickname !== (chat.me.nickname || '')) changes.nickname = nickname;
      if (picture) changes.avatar_file_id = (await client.upload(picture, { name: picture.name, contentType: picture.type })).id;
      else if (removePicture) changes.avatar_file_id = null;
      if (Object.keys(changes).length === 0) return;
      const reply = await chat.api.updateMe(changes);
      if (chat.client !== client) return;
      const user = reply.user ?? reply;
      chat.me = user;
      client.user = user;
      chat.remember(user);
      session.signIn(session.token, user);
      this.show(user);
    } catch (error) {
      const words = error.code === 'unsupported_media_type' ? 'That picture is not a PNG, JPEG, GIF or WebP image.'
        : error.code === 'too_large' ? 'That picture is too large.' : error.message;
      showError(`profile_${error.code}`, words);
      throw error;
    }
  }
}

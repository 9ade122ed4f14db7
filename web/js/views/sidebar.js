// At phone width the sidebar (rooms, people) is a panel the "Rooms" button
// opens over the conversation; at desktop width it is always there.
export function wireSidebar() {
  const view = document.getElementById('chat-view');
  const toggle = document.getElementById('sidebar-toggle');
  toggle.hidden = false;
  const set = (open) => {
    view.classList.toggle('sidebar-open', open);
    toggle.setAttribute('aria-expanded', String(open));
  };
  toggle.addEventListener('click', () => set(!view.classList.contains('sidebar-open')));
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && view.classList.contains('sidebar-open')) {
      set(false);
      toggle.focus();
    }
  });
  return { close: () => set(false) };
}

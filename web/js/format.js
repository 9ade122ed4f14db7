// How times and people are written on the page.

export function clockTime(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

export function fullTime(ms) {
  return new Date(ms).toLocaleString();
}

// A day separator's words: Today, Yesterday, or the date.
export function dayLabel(ms) {
  const day = new Date(ms);
  const today = new Date();
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
  if (day.toDateString() === today.toDateString()) return 'Today';
  if (day.toDateString() === yesterday.toDateString()) return 'Yesterday';
  return day.toLocaleDateString([], { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
}

// A length of time as m:ss ("2:31"), or h:mm:ss from an hour on.
export function duration(ms) {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const mmss = `${Math.floor(seconds / 60) % 60}:${String(seconds % 60).padStart(2, '0')}`;
  return seconds < 3600 ? mmss : `${Math.floor(seconds / 3600)}:${mmss.padStart(5, '0')}`;
}

// A file's size in words: "512 bytes", "14 KB", "2.4 MB".
export function fileSize(bytes) {
  if (bytes < 1000) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

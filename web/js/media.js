// What the browser can tell about a file being sent: an image's or video's
// width and height, a video's or audio's length, a thumbnail, and the
// message kind a set of files makes (docs/protocol.md: image, video, voice,
// file). The page's Content-Security-Policy allows images from data: URLs
// and media from its own origin only (no blob: URLs): an image is read from
// the File itself, a video or audio from its upload's url.

const kMeasureTimeoutMs = 5000;
const kThumbnailMaxBytes = 8 * 1024 * 1024;

// {width, height} of an image File; {} when the browser cannot decode it.
export async function imageSize(file) {
  try {
    const bitmap = await createImageBitmap(file);
    const size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    return size;
  } catch {
    return {};
  }
}

// A data: URL of an image File small enough to show as it is, else null.
export function thumbnailUrl(file) {
  if (!file.type.startsWith('image/') || file.size > kThumbnailMaxBytes) return Promise.resolve(null);
  return new Promise((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => resolve(null);
    reader.readAsDataURL(file);
  });
}

// {width?, height?, duration_ms?} of the video or audio at `url` (of this
// origin); {} for other types, or when the browser cannot read it in time.
export function mediaSize(type, url) {
  if (type.startsWith('video/') || type.startsWith('audio/')) {
    return settle((done) => {
      const media = document.createElement(type.startsWith('video/') ? 'video' : 'audio');
      media.preload = 'metadata';
      media.onloadedmetadata = () => {
        const size = media.videoWidth > 0 ? { width: media.videoWidth, height: media.videoHeight } : {};
        done(Number.isFinite(media.duration) ? { ...size, duration_ms: Math.round(media.duration * 1000) } : size);
      };
      media.onerror = () => done({});
      media.src = url;
    });
  }
  return Promise.resolve({});
}

function settle(start) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({}), kMeasureTimeoutMs);
    start((result) => {
      clearTimeout(timer);
      resolve(result);
    });
  });
}

// The kind of a message carrying files of these content types: one kind
// when they all are images, videos or audio, else 'file'.
export function kindOf(types) {
  const kinds = new Set(types.map((type) => (type.startsWith('image/') ? 'image'
    : type.startsWith('video/') ? 'video' : type.startsWith('audio/') ? 'voice' : 'file')));
  return kinds.size === 1 ? [...kinds][0] : 'file';
}

// The web page of gse serve: plain JavaScript that only talks to this server, so it works offline.
'use strict';

const state = { health: null, a: null, b: null, searchUrl: null };

function $(id) {
  return document.getElementById(id);
}

function showError(id, message) {
  const element = $(id);
  element.textContent = message;
  element.hidden = !message;
}

// Returns the parsed JSON body, or throws an Error with the server's detail.
async function postForm(path, form) {
  const response = await fetch(path, { method: 'POST', body: form });
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    throw new Error(`${path} returned HTTP ${response.status} without JSON`);
  }
  if (!response.ok) {
    throw new Error(`${body.error}: ${body.detail}`);
  }
  return body;
}

// Returns an element that shows a sticker: a looping muted video for WebM, a text for TGS (rendering Lottie
// needs a player library, which this page does not load), and an image otherwise, where animations play.
function stickerElement(url, kind, label) {
  if (kind === 'webm' || kind.startsWith('video/')) {
    const video = document.createElement('video');
    Object.assign(video, { src: url, autoplay: true, loop: true, muted: true, playsInline: true });
    video.setAttribute('aria-label', label);
    return video;
  }
  if (kind === 'tgs' || kind.endsWith('.tgs')) {
    const text = document.createElement('span');
    text.className = 'no-preview';
    text.textContent = `TGS sticker ${label} (no preview)`;
    return text;
  }
  const image = document.createElement('img');
  image.src = url;
  image.alt = label;
  return image;
}

// Shows the original file through an object URL, so animated stickers play; the previous URL is released.
function preview(elementId, file, previous) {
  if (previous) {
    URL.revokeObjectURL(previous);
  }
  const url = URL.createObjectURL(file);
  const kind = file.type || file.name.toLowerCase();
  const element = stickerElement(url, kind, file.name);
  element.id = elementId;
  const old = $(elementId);
  old.previousElementSibling.hidden = true;
  old.replaceWith(element);
  return url;
}

function wireDrop(dropId, inputId, onFile) {
  const drop = $(dropId);
  const input = $(inputId);
  input.addEventListener('change', () => {
    if (input.files.length > 0) {
      onFile(input.files[0]);
    }
  });
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    if (event.dataTransfer.files.length > 0) {
      onFile(event.dataTransfer.files[0]);
    }
  });
}

function renderHits(hits) {
  const list = $('neighbours');
  list.replaceChildren();
  for (const hit of hits) {
    const item = document.createElement('li');
    item.className = 'hit';
    const label = hit.labels.length > 0 ? hit.labels.join(', ') : hit.sha256.slice(0, 12);
    const image = stickerElement(hit.url, hit.format, label);
    if (image.tagName === 'IMG') {
      image.loading = 'lazy';
    }
    const score = document.createElement('div');
    score.className = 'score';
    score.textContent = hit.score.toFixed(3);
    const labels = document.createElement('div');
    labels.className = 'labels';
    labels.textContent = hit.labels.join(', ');
    item.append(image, score, labels);
    list.append(item);
  }
  if (hits.length === 0) {
    const empty = document.createElement('li');
    empty.textContent = 'The index is empty.';
    list.append(empty);
  }
}

async function search(form) {
  showError('search-error', '');
  form.append('k', $('search-k').value || '12');
  try {
    const body = await postForm('/v1/search', form);
    renderHits(body.hits);
  } catch (error) {
    $('neighbours').replaceChildren();
    showError('search-error', error.message);
  }
}

async function compare() {
  showError('compare-error', '');
  if (!state.a || !state.b) {
    showError('compare-error', 'Pick two stickers first.');
    return;
  }
  const form = new FormData();
  form.append('a', state.a);
  form.append('b', state.b);
  try {
    const body = await postForm('/v1/similarity', form);
    $('score').textContent = body.score.toFixed(4);
    $('score-meter').value = body.score;
    if (body.threshold === null) {
      $('threshold').textContent = '(none configured)';
      $('decision').textContent = 'no decision: start gse serve with --threshold';
      $('decision').className = '';
    } else {
      $('threshold').textContent = body.threshold.toFixed(4);
      $('decision').textContent = body.similar ? 'similar' : 'not similar';
      $('decision').className = body.similar ? 'similar' : 'not-similar';
    }
    $('verdict').hidden = false;
  } catch (error) {
    $('verdict').hidden = true;
    showError('compare-error', error.message);
  }
}

async function loadHealth() {
  try {
    const response = await fetch('/healthz');
    state.health = await response.json();
    const h = state.health;
    const indexText = h.index_size === null ? 'no index' : `${h.index_size} indexed stickers`;
    $('status').textContent = `Model ${h.model}, ${indexText}, threshold ${h.threshold ?? 'not set'}.`;
    $('search-text').disabled = !h.text_search;
    if (!h.text_search) {
      $('search-text').placeholder = 'this model cannot search by text';
    }
  } catch (error) {
    $('status').textContent = `The server did not answer /healthz: ${error.message}`;
  }
}

wireDrop('search-drop', 'search-file', (file) => {
  state.searchUrl = preview('search-preview', file, state.searchUrl);
  const form = new FormData();
  form.append('sticker', file);
  search(form);
});
wireDrop('drop-a', 'file-a', (file) => {
  state.aUrl = preview('preview-a', file, state.aUrl);
  state.a = file;
});
wireDrop('drop-b', 'file-b', (file) => {
  state.bUrl = preview('preview-b', file, state.bUrl);
  state.b = file;
});
$('compare').addEventListener('click', compare);
$('text-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('search-text').value.trim();
  if (text) {
    const form = new FormData();
    form.append('text', text);
    search(form);
  }
});
loadHealth();

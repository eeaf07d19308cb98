// Files in the console: thumbnails of the images in a conversation (and links to its
// PDFs), and the agent's own images, uploaded to the conversation and then sent as a
// message that names them (docs/server.md, "Attachments"). Requests go with the
// console's session cookie; each file is fetched once into a blob: URL.
import { el } from './dom.js';

const ACCEPTED = ['image/png', 'image/jpeg', 'image/webp', 'application/pdf'];

export class ConsoleAttachments {
  #urls = new Map(); // `${conversationId}/${id}` -> Promise<string|null>

  /** The attachment as the thread shows it: a thumbnail that opens full size, or a PDF link. */
  node(conversationId, attachment) {
    const image = attachment.type.startsWith('image/');
    const link = el('a', { className: 'attachment', attrs: { target: '_blank', rel: 'noopener', download: image ? null : attachment.name } });
    if (image) {
      const img = el('img', { className: 'attachment-thumb', attrs: { alt: `Image 图片 ${attachment.name}`, width: attachment.width, height: attachment.height } });
      link.append(img);
      this.#url(conversationId, attachment.id).then((url) => url && (img.src = link.href = url));
    } else {
      link.textContent = `PDF · ${attachment.name}`;
      this.#url(conversationId, attachment.id).then((url) => url && (link.href = url));
    }
    return link;
  }

  /**
   * The attach button and its file input: a picked file is uploaded to the open
   * conversation, then `send(conversationId, text, attachment)` sends its message.
   */
  bind({ button, input, conversationId, send, status }) {
    button.addEventListener('click', () => input.click());
    input.addEventListener('change', async () => {
      const [file] = input.files;
      input.value = '';
      const id = conversationId();
      if (!file || !id) return;
      if (!ACCEPTED.includes(file.type)) return status('Only PNG, JPEG, WebP or PDF. 仅支持 PNG、JPEG、WebP 或 PDF。');
      status(`Uploading 正在上传 ${file.name}…`);
      const result = await this.#upload(id, file);
      if (result.error) return status(`${file.name}: ${result.error.message}`);
      status('');
      const attachment = { id: result.id, name: file.name, ...(await imageSize(file)) };
      if (!send(id, file.name, attachment)) status('Not connected. 未连接。');
    });
  }

  async #upload(conversationId, file) {
    try {
      const response = await fetch(`/attachments?conversationId=${encodeURIComponent(conversationId)}`, {
        method: 'POST', headers: { 'content-type': file.type }, body: file,
      });
      return await response.json();
    } catch (error) {
      return { error: { message: String(error?.message ?? error) } };
    }
  }

  #url(conversationId, id) {
    const key = `${conversationId}/${id}`;
    if (!this.#urls.has(key)) {
      this.#urls.set(key, fetch(`/attachments/${encodeURIComponent(id)}?conversationId=${encodeURIComponent(conversationId)}`)
        .then(async (response) => (response.ok ? URL.createObjectURL(await response.blob()) : null))
        .catch(() => null));
    }
    return this.#urls.get(key);
  }

  dispose() {
    for (const url of this.#urls.values()) url.then((href) => href && URL.revokeObjectURL(href));
    this.#urls.clear();
  }
}

async function imageSize(file) {
  if (!file.type.startsWith('image/')) return {};
  try {
    const bitmap = await createImageBitmap(file);
    const size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    return size;
  } catch {
    return {};
  }
}

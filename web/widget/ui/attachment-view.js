// An attachment in the thread: an image as a thumbnail that opens full size, a PDF as a
// download link. The bytes come through AttachmentDownloads (the token is a header), so
// the node is drawn at once with the file's name and filled in when the file arrives.
import { createElement } from '../create-element.js';

/**
 * @param {Document} doc
 * @param {import('../translator.js').Translator} translator
 * @param {{id: string, name: string, type: string, width?: number, height?: number}} attachment
 * @param {(id: string) => Promise<string|null>} url
 */
export function attachmentView(doc, translator, attachment, url) {
  const image = attachment.type.startsWith('image/');
  const label = translator.t(image ? 'attach.image' : 'attach.download', { name: attachment.name });
  const link = createElement(doc, 'a', { className: 'attachment-link', target: '_blank', rel: 'noopener', attrs: { 'aria-label': label } });
  if (image) {
    const img = createElement(doc, 'img', { className: 'attachment-image', alt: label });
    // The space is reserved before the bytes arrive, so the thread does not jump.
    if (attachment.width && attachment.height) Object.assign(img, { width: attachment.width, height: attachment.height });
    link.append(img);
    url(attachment.id).then((href) => {
      if (!href) return;
      img.src = href;
      link.href = href;
    });
  } else {
    link.append(`PDF · ${attachment.name}`);
    link.download = attachment.name;
    url(attachment.id).then((href) => href && (link.href = href));
  }
  return link;
}

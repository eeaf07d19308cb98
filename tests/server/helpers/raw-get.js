import { request as httpRequest } from 'node:http';

/**
 * A raw HTTP request: Node's fetch would follow redirects and decompress, hiding what the
 * server sent (Location, Content-Encoding, the compressed bytes).
 * @returns {Promise<{status: number, headers: object, body: Buffer}>}
 */
export function rawGet(url, headers = {}, method = 'GET') {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers, method }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) }));
    });
    request.on('error', reject);
    request.end();
  });
}

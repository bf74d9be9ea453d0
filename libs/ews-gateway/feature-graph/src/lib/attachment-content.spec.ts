import type { AttachmentSummary } from '@parley/contracts';
import { answerGraphRequest } from '@parley/graph';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendAttachmentContent } from './attachment-content';

const PIECE = 64 * 1024;
const PIECES = 64;
const attachment: AttachmentSummary = {
  id: 'BQattachment',
  name: 'voicemail.wav',
  contentType: 'audio/wav',
  size: PIECE * PIECES,
  isInline: false,
  contentId: null,
};
const logger = { error: () => undefined, debug: () => undefined };

describe('streaming an attachment to a client', () => {
  let server: Server;
  let port: number;
  let reads: number;
  let finished: Promise<void>;

  beforeEach(async () => {
    reads = 0;
    let done: () => void;
    finished = new Promise((resolve) => (done = resolve));
    server = createServer((req, res) => {
      void answerGraphRequest(req, res, logger, () =>
        sendAttachmentContent(req, res, attachment, async function* (start, end) {
          for (let at = start; at < end; at += PIECE) {
            reads += 1;
            await new Promise((resolve) => setTimeout(resolve, 5));
            yield Buffer.alloc(Math.min(PIECE, end - at), 7);
          }
        }),
      ).finally(() => done());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends every piece to a client that reads them all', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/`);
    expect((await response.arrayBuffer()).byteLength).toBe(attachment.size);
    await finished;
    expect(reads).toBe(PIECES);
  });

  it('stops reading pieces once the client goes away', async () => {
    await new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/' }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
      req.end();
    });
    await finished;
    expect(reads).toBeLessThan(PIECES / 2);
  });
});

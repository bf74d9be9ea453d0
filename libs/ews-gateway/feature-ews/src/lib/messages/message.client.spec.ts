import { CONTENT_CHUNK_MAX_BYTES, type ReadContentRequest } from '@parley/contracts';
import type { CommandBus } from '@parley/messaging';
import { MessageClient } from './message.client';

/** A store of one content that answers content reads as voicemail-ingest does, recording each read. */
function storeOf(content: Buffer) {
  const reads: { offset: number; length: number }[] = [];
  const commands = {
    request: async (_topic: string, _key: string, payload: ReadContentRequest) => {
      reads.push({ offset: payload.offset, length: payload.length });
      const bytes = content.subarray(payload.offset, payload.offset + payload.length);
      return { size: content.length, contentType: 'audio/wav', name: 'a.wav', offset: payload.offset, data: bytes.toString('base64') };
    },
  } as unknown as CommandBus;
  return { client: new MessageClient(commands), reads };
}

const collect = async (chunks: AsyncIterable<Buffer>) => {
  const all: Buffer[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return Buffer.concat(all);
};

describe('MessageClient.contentRange', () => {
  const content = Buffer.from(Array.from({ length: 600_000 }, (_, i) => i % 251));
  const ref = { kind: 'attachment' as const, attachmentId: 'BQx' };

  it('reads a range piece by piece, cut at the store chunk boundaries, byte for byte', async () => {
    const { client, reads } = storeOf(content);
    const bytes = await collect(client.contentRange('a@b.test', ref, 262_000, 530_000));
    expect(bytes.equals(content.subarray(262_000, 530_000))).toBe(true);
    expect(reads).toEqual([
      { offset: 262_000, length: CONTENT_CHUNK_MAX_BYTES - 262_000 },
      { offset: CONTENT_CHUNK_MAX_BYTES, length: CONTENT_CHUNK_MAX_BYTES },
      { offset: 2 * CONTENT_CHUNK_MAX_BYTES, length: 530_000 - 2 * CONTENT_CHUNK_MAX_BYTES },
    ]);
  });

  it('asks for the next piece only when the caller takes it, and ends early on a shorter content', async () => {
    const { client, reads } = storeOf(content);
    const chunks = client.contentRange('a@b.test', ref, 0, content.length);
    await chunks.next();
    expect(reads).toHaveLength(1);
    await chunks.return(undefined);
    expect(reads).toHaveLength(1);

    const short = storeOf(content.subarray(0, 1000));
    expect((await collect(short.client.contentRange('a@b.test', ref, 0, 5000))).length).toBe(1000);
  });
});

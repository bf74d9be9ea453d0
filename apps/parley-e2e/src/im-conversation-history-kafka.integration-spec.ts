// IM conversation history in the distributed deployment — the four services as separate processes
// over their own Kafka broker and PostgreSQL, two presence-bridge replicas: users on different
// replicas chat over the presence WebSocket, the replica that recorded the conversation is SIGKILLed,
// and the other replica still ends it once the conversation is idle; voicemail-ingest files it from
// Kafka, and ews-javascript-api finds it in each user's Conversation History (and the missed notice
// in the Inbox of the user who had no client).
import * as ews from 'ews-javascript-api';
import { basicAuthorization, waitFor } from '@parley/testing';
import { KafkaDeployment, startKafkaDeployment } from './kafka-deployment';
import { PresenceSocketClient } from './presence-socket-client';

const USERS = ['alice', 'bob', 'carol'] as const;
type User = (typeof USERS)[number];
const IDLE_MS = 3_000;

describe('IM conversation history over Kafka (two presence-bridge replicas, voicemail-ingest, the gateway)', () => {
  let d: KafkaDeployment;
  const who = {} as Record<User, string>;
  const sockets: PresenceSocketClient[] = [];

  const connect = async (user: User, replica: 0 | 1) => {
    const socket = await PresenceSocketClient.connect(
      d.presenceBridges[replica].wsUrl,
      basicAuthorization(who[user], d.password(who[user])),
    );
    sockets.push(socket);
    return socket;
  };
  const itemsIn = async (user: User, folder: ews.WellKnownFolderName) =>
    (await d.as(who[user]).FindItems(new ews.FolderId(folder), new ews.ItemView(20))).Items;
  const boundIn = async (user: User, folder: ews.WellKnownFolderName, count: number) => {
    const items = await waitFor(
      async () => {
        const found = await itemsIn(user, folder);
        return found.length >= count ? found : undefined;
      },
      { timeoutMs: IDLE_MS + 30_000, intervalMs: 250, what: `${count} item(s) in ${user}'s ${ews.WellKnownFolderName[folder]}` },
    );
    return Promise.all(items.map((i) => ews.EmailMessage.Bind(d.as(who[user]), i.Id)));
  };

  beforeAll(async () => {
    d = await startKafkaDeployment({
      prefix: 'e2e-im-history',
      users: [...USERS],
      displayNames: { alice: 'Alice Kafka', bob: 'Bob Kafka', carol: 'Carol Kafka' },
      presenceReplicas: 2,
      env: { PARLEY_PRESENCE_IM_CONVERSATION_IDLE_MS: String(IDLE_MS), PARLEY_PRESENCE_TIMER_POLL_MAX_MS: '500' },
    });
    for (const user of USERS) who[user] = d.address(user);
  }, 240_000);

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close().catch(() => undefined)));
    await d?.stop();
  }, 120_000);

  it('a conversation recorded on a replica that is then SIGKILLed is still filed, once, in both mailboxes; a missed IM as a notice', async () => {
    const alice = await connect('alice', 0);
    const bob = await connect('bob', 1);
    expect(await alice.request('send-im', { clientMessageId: 'a1', to: who.bob, text: 'Deploy window tonight?' })).toMatchObject({
      type: 'im-delivered',
    });
    await bob.next((m) => m.type === 'im' && m['text'] === 'Deploy window tonight?', { what: 'the IM on replica B' });
    expect(await bob.request('send-im', { clientMessageId: 'b1', to: who.alice, text: 'Yes, 22:00 UTC' })).toMatchObject({
      type: 'im-delivered',
    });
    expect(await alice.request('send-im', { clientMessageId: 'a2', to: who.carol, text: 'Are you on call tonight?' })).toMatchObject({
      type: 'im-failed',
      reason: 'recipient-offline',
    });
    // Replica A recorded Alice's IMs; it dies before the conversations go idle. Replica B's poller ends them.
    await d.presenceBridges[0].proc.kill();

    // Alice has two conversations (with Bob, and the one Carol missed); they end about together.
    for (const [user, count] of [
      ['alice', 2],
      ['bob', 1],
    ] as const) {
      const history = await boundIn(user, ews.WellKnownFolderName.ConversationHistory, count);
      const chat = history.find((i) => i.Subject === 'Deploy window tonight?');
      expect(chat).toBeDefined();
      expect(chat?.ItemClass).toBe('IPM.Note.Microsoft.Conversation');
      expect(chat?.From.Name).toBe('Alice Kafka');
      expect(chat?.Body.Text).toContain('Yes, 22:00 UTC');
    }
    const [notice] = await boundIn('carol', ews.WellKnownFolderName.Inbox, 1);
    expect(notice.ItemClass).toBe('IPM.Note.Microsoft.Missed');
    expect(notice.Subject).toBe('Missed conversation with Alice Kafka');
    expect(notice.Body.Text).toContain('Are you on call tonight?');
    const aliceHistory = await boundIn('alice', ews.WellKnownFolderName.ConversationHistory, 2);
    expect(aliceHistory.map((i) => i.Subject).sort()).toEqual(['Are you on call tonight?', 'Deploy window tonight?']);

    // Exactly once: nothing more arrives after another idle period.
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS + 1_000));
    expect(await itemsIn('alice', ews.WellKnownFolderName.ConversationHistory)).toHaveLength(2);
    expect(await itemsIn('bob', ews.WellKnownFolderName.ConversationHistory)).toHaveLength(1);
    expect(await itemsIn('carol', ews.WellKnownFolderName.Inbox)).toHaveLength(1);
    expect(await itemsIn('carol', ews.WellKnownFolderName.ConversationHistory)).toEqual([]);
  });
});

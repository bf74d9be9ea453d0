// The signed-in client's state: the presence connection, own presence, contacts and their presence,
// conversations, voicemail counts. Components read it and call its actions; it tells them of changes.
import type { DirectoryUser, ParleyApi, WebSession } from './api';
import { ConversationStore } from './conversations';
import { ConnectionError, ProtocolError, type Clock, type ConnectionState, type PresenceClient } from './presence-client';
import type { ContactsAnswer, Hello, MessageWaiting, PresenceState, ServerMessageOf, UserState } from './protocol';

export type ContactGroup = ContactsAnswer['groups'][number];
export type Settings = Omit<ServerMessageOf<'settings'>, 'type' | 'id'>;

export interface AppStateOptions {
  api: ParleyApi;
  client: PresenceClient;
  clock: Clock;
  session: WebSession;
  /** Whether an incoming message from `peer` is seen at once (its conversation on screen, the page visible). */
  isSeen: (peer: string) => boolean;
  /** Called for an incoming message the user does not see (desktop notification). */
  notifyUnseen?: (from: string, text: string) => void;
  /** Remembers directory display names between visits (localStorage in the browser). */
  nameStore?: { load(): Record<string, string>; save(names: Record<string, string>): void };
}

/**
 * Display names looked up per contact list load: the server's list holds addresses only, so names
 * come from the directory, one search at a time, each address once (then remembered).
 */
export const MAX_NAME_LOOKUPS_PER_LOAD = 50;

/** `activity` is reported at most this often while the user works (the server idles a client after 5 minutes without). */
export const ACTIVITY_REPORT_INTERVAL_MS = 60_000;

export class AppState {
  readonly session: WebSession;
  readonly conversations: ConversationStore;
  connection: ConnectionState;
  hello: Hello | null = null;
  own: PresenceState | null = null;
  settings: Settings | null = null;
  groups: ContactGroup[] = [];
  ungrouped: string[] = [];
  contactsLoaded = false;
  readonly presences = new Map<string, PresenceState>();
  messageWaiting: MessageWaiting | null = null;
  private readonly names: Record<string, string>;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribers: (() => void)[] = [];
  private lastActivityReport = Number.NEGATIVE_INFINITY;
  private readonly nameLookups = new Set<string>();

  constructor(private readonly options: AppStateOptions) {
    this.session = options.session;
    this.connection = options.client.state;
    this.conversations = new ConversationStore(options.clock);
    this.names = { ...(options.nameStore?.load() ?? {}) };
    this.names[options.session.address.toLowerCase()] = options.session.displayName;
  }

  get api(): ParleyApi {
    return this.options.api;
  }

  get me(): string {
    return (this.hello?.mailbox ?? this.session.address).toLowerCase();
  }

  get maxImChars(): number {
    return this.hello?.limits.maxImChars ?? 8192;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    const { client } = this.options;
    this.unsubscribers.push(
      client.on('state', (state) => this.connectionChanged(state)),
      client.on('presence', ({ mailbox, presence }) => {
        if (mailbox === this.me) this.own = presence;
        else this.presences.set(mailbox, presence);
        this.changed();
      }),
      client.on('message-waiting', (counts) => {
        this.messageWaiting = counts;
        this.changed();
      }),
      client.on('im', (im) => {
        const seen = this.options.isSeen(im.from.toLowerCase());
        this.conversations.receive(im, seen);
        if (!seen) this.options.notifyUnseen?.(im.from.toLowerCase(), im.text);
        void this.ensureWatched([im.from]);
      }),
      client.on('typing', ({ from, typing }) => this.conversations.peerTyping(from, typing)),
      this.conversations.onChange(() => this.changed()),
    );
    client.connect();
  }

  /** Reconnects at once (the user's "Reconnect now"). */
  reconnect(): void {
    this.options.client.connect();
  }

  stop(): void {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    this.options.client.stop();
    this.conversations.clear();
  }

  displayName(address: string): string {
    return this.names[address.toLowerCase()] ?? address;
  }

  rememberNames(users: readonly DirectoryUser[]): void {
    for (const user of users) {
      const address = (user.mail ?? user.userPrincipalName).toLowerCase();
      if (user.displayName) this.names[address] = user.displayName;
    }
    this.options.nameStore?.save(this.names);
  }

  presenceOf(address: string): PresenceState | undefined {
    const key = address.toLowerCase();
    return key === this.me ? (this.own ?? undefined) : this.presences.get(key);
  }

  get allContacts(): string[] {
    return [...this.groups.flatMap((g) => g.contacts), ...this.ungrouped];
  }

  isContact(address: string): boolean {
    const key = address.toLowerCase();
    return this.allContacts.some((c) => c.toLowerCase() === key);
  }

  // --- own presence -------------------------------------------------------------------------

  async setState(state: UserState): Promise<void> {
    this.applySettings(await this.options.client.request({ type: 'set-state', state }));
  }

  async resetState(): Promise<void> {
    this.applySettings(await this.options.client.request({ type: 'reset-state' }));
  }

  async setNote(note: string): Promise<void> {
    this.applySettings(await this.options.client.request({ type: 'set-note', note: note.trim() ? note : null }));
  }

  /** Called on the user's keyboard/pointer input; tells the server at most once a minute. */
  reportActivity(): void {
    const now = this.options.clock.now();
    if (now - this.lastActivityReport < ACTIVITY_REPORT_INTERVAL_MS || this.connection.status !== 'open') return;
    this.lastActivityReport = now;
    this.options.client.request({ type: 'activity' }).catch(() => {
      // Best effort: the next input reports again.
      this.lastActivityReport = Number.NEGATIVE_INFINITY;
    });
  }

  // --- contacts ------------------------------------------------------------------------------

  async loadContacts(): Promise<void> {
    const answer = await this.options.client.request({ type: 'get-contacts' });
    const listed = [...answer.groups.flatMap((g) => g.contacts), ...answer.ungrouped];
    // The list is shown once its presence is known: drawn with every tile Offline and then again
    // when the snapshot comes a moment later, a long list costs two full renders (bench:web).
    await this.ensureWatched(listed);
    this.groups = answer.groups;
    this.ungrouped = answer.ungrouped;
    this.contactsLoaded = true;
    this.changed();
    void this.resolveNames(this.allContacts);
  }

  async addGroup(name: string): Promise<void> {
    await this.options.client.request({ type: 'add-group', name: name.trim() });
    await this.loadContacts();
  }

  async renameGroup(groupId: string, name: string): Promise<void> {
    await this.options.client.request({ type: 'rename-group', groupId, name: name.trim() });
    await this.loadContacts();
  }

  async removeGroup(groupId: string): Promise<void> {
    await this.options.client.request({ type: 'remove-group', groupId });
    await this.loadContacts();
  }

  async addContact(address: string, groupId: string | null): Promise<void> {
    await this.options.client.request({ type: 'add-contact', contact: address, groupId });
    await this.loadContacts();
  }

  async removeContact(address: string): Promise<void> {
    await this.options.client.request({ type: 'remove-contact', contact: address });
    await this.loadContacts();
    const key = address.toLowerCase();
    if (!this.conversations.get(key)) {
      this.presences.delete(key);
      await this.options.client.request({ type: 'unsubscribe', targets: [key] }).catch(() => undefined);
      this.changed();
    }
  }

  // --- conversations -------------------------------------------------------------------------

  openConversation(peer: string): void {
    this.conversations.open(peer);
    void this.ensureWatched([peer]);
  }

  /** Sends an IM; the message's state follows the server's acknowledgement. */
  async sendIm(peer: string, text: string): Promise<void> {
    const id = this.conversations.addOutgoing(peer, text);
    try {
      const answer = await this.options.client.request({ type: 'send-im', clientMessageId: id, to: peer, text });
      if (answer.type === 'im-delivered') this.conversations.delivered(peer, id);
      else this.conversations.failed(peer, id, answer.reason);
    } catch (error) {
      if (error instanceof ConnectionError) {
        // Never sent: not connected. Sent, but the connection dropped or no answer came: it may have arrived.
        this.conversations.failed(peer, id, error.kind === 'not-connected' ? 'not-connected' : 'timeout');
      } else this.conversations.failed(peer, id, 'error', error instanceof ProtocolError ? error.message : String(error));
    }
  }

  sendTyping(peer: string, typing: boolean): void {
    this.options.client.notify({ type: 'typing', to: peer, typing });
  }

  // --- internals -----------------------------------------------------------------------------

  private connectionChanged(state: ConnectionState): void {
    this.connection = state;
    if (state.status === 'open') {
      this.hello = state.hello;
      // Fresh snapshots after every (re)connect: no change is replayed (docs/presence-protocol.md).
      this.presences.clear();
      this.lastActivityReport = Number.NEGATIVE_INFINITY;
      this.loadContacts().catch(() => undefined);
    }
    this.changed();
  }

  private async ensureWatched(addresses: readonly string[]): Promise<void> {
    const targets = [...new Set(addresses.map((a) => a.toLowerCase()))].filter((a) => a !== this.me);
    if (targets.length === 0 || this.connection.status !== 'open') return;
    const limit = this.hello?.limits.maxTargetsPerRequest ?? 1000;
    for (let i = 0; i < targets.length; i += limit) {
      await this.options.client.request({ type: 'subscribe', targets: targets.slice(i, i + limit) }).catch(() => undefined);
    }
  }

  private async resolveNames(addresses: readonly string[]): Promise<void> {
    const unknown = [...new Set(addresses.map((a) => a.toLowerCase()))]
      .filter((a) => this.names[a] === undefined && !this.nameLookups.has(a))
      .slice(0, MAX_NAME_LOOKUPS_PER_LOAD);
    for (const address of unknown) {
      this.nameLookups.add(address);
      try {
        const users = await this.options.api.searchDirectory(address, 5);
        const exact = users.filter((u) => (u.mail ?? u.userPrincipalName).toLowerCase() === address);
        if (exact.length > 0) {
          this.rememberNames(exact);
          this.changed();
        }
      } catch {
        // The address stands in for the name; the next session tries again.
      }
    }
  }

  private applySettings(answer: ServerMessageOf<'settings'>): void {
    this.settings = { userState: answer.userState, note: answer.note };
    this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

import type { SipConnection } from './sip-connection';

/** The open connections of this replica, by id, with a cap per client address. */
export class SipConnectionRegistry {
  private readonly byId = new Map<string, SipConnection>();
  private readonly perAddress = new Map<string, number>();

  constructor(private readonly maxPerAddress: number) {}

  get size(): number {
    return this.byId.size;
  }

  /** Whether one more connection from `address` is within the cap. */
  admits(address: string): boolean {
    return (this.perAddress.get(address) ?? 0) < this.maxPerAddress;
  }

  add(connection: SipConnection): void {
    this.byId.set(connection.id, connection);
    this.perAddress.set(connection.clientAddress, (this.perAddress.get(connection.clientAddress) ?? 0) + 1);
  }

  remove(connection: SipConnection): void {
    if (!this.byId.delete(connection.id)) return;
    const left = (this.perAddress.get(connection.clientAddress) ?? 1) - 1;
    if (left > 0) this.perAddress.set(connection.clientAddress, left);
    else this.perAddress.delete(connection.clientAddress);
  }

  /** The flow to an endpoint registered over connection `id`, while it is open. */
  get(id: string): SipConnection | undefined {
    return this.byId.get(id);
  }

  all(): SipConnection[] {
    return [...this.byId.values()];
  }
}

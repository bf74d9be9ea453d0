import type { SipConnection } from './sip-connection';
import { SipConnectionRegistry } from './sip-connection.registry';

const connection = (id: string, clientAddress: string) => ({ id, clientAddress }) as SipConnection;

describe('SipConnectionRegistry', () => {
  it('caps connections per client address and frees a place when one closes', () => {
    const registry = new SipConnectionRegistry(2);
    const a1 = connection('a1', '192.0.2.1');
    registry.add(a1);
    registry.add(connection('a2', '192.0.2.1'));
    expect(registry.admits('192.0.2.1')).toBe(false);
    expect(registry.admits('192.0.2.2')).toBe(true);
    registry.remove(a1);
    registry.remove(a1);
    expect(registry.admits('192.0.2.1')).toBe(true);
    expect(registry.size).toBe(1);
  });

  it('finds the flow of a connection by id while it is open', () => {
    const registry = new SipConnectionRegistry(5);
    const flow = connection('c1', '192.0.2.1');
    registry.add(flow);
    expect(registry.get('c1')).toBe(flow);
    registry.remove(flow);
    expect(registry.get('c1')).toBeUndefined();
  });
});

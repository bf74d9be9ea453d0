export * from './lib/presence-websocket.module';
export * from './lib/presence-socket.server';
export * from './lib/presence-socket.options';

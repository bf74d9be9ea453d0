// The web client's side of the gateway: browser sign-in sessions (`/web/session`) and the client's static files.
export { WebFeatureModule } from './lib/web-feature.module';
export { WEB_ASSETS_PATH, WEB_SESSION_PATH, type WebClientOptions } from './lib/web-client.options';
export { WEB_CLIENT_CSP } from './lib/web-client.problem';

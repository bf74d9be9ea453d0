// Sign-in throttling, client address resolution and per-connection request budgets, shared by every
// protocol front that takes a password.
export { SignInThrottle, type SignInThrottleOptions, type SignInAssessment, type SignInResult } from './lib/sign-in-throttle';
export {
  AddressList,
  ClientAddressResolver,
  normalizeIpAddress,
  parseTrustedProxies,
  UNKNOWN_CLIENT_ADDRESS,
  type ClientOrigin,
} from './lib/client-address';
export { TokenBucket } from './lib/token-bucket';

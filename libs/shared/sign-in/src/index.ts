// Sign-in throttling and client address resolution, shared by every protocol that takes a password.
export { SignInThrottle, type SignInThrottleOptions, type SignInAssessment, type SignInResult } from './lib/sign-in-throttle';
export {
  AddressList,
  ClientAddressResolver,
  normalizeIpAddress,
  parseTrustedProxies,
  UNKNOWN_CLIENT_ADDRESS,
  type ClientOrigin,
} from './lib/client-address';

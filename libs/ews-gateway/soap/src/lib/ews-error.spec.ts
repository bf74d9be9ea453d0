import { EwsError, EwsErrorCode, EwsResponseCode, ewsResponseCodeFor } from '../index';

describe('EwsError', () => {
  it('maps every reason to a real EWS response code', () => {
    const known = new Set<string>(Object.values(EwsResponseCode));
    for (const code of Object.values(EwsErrorCode)) {
      expect(known.has(ewsResponseCodeFor(code))).toBe(true);
    }
  });

  it('maps the request-level reasons as EWS reports them', () => {
    expect(ewsResponseCodeFor(EwsErrorCode.MalformedXml)).toBe('ErrorSchemaValidation');
    expect(ewsResponseCodeFor(EwsErrorCode.WrongOperationNamespace)).toBe('ErrorSchemaValidation');
    expect(ewsResponseCodeFor(EwsErrorCode.InvalidServerVersion)).toBe('ErrorInvalidServerVersion');
    expect(ewsResponseCodeFor(EwsErrorCode.UnsupportedOperation)).toBe('ErrorInvalidRequest');
    expect(ewsResponseCodeFor(EwsErrorCode.ServerBusy)).toBe('ErrorServerBusy');
  });

  it('carries its code, response code and hints', () => {
    const e = new EwsError(EwsErrorCode.ServerBusy, 'busy', { backOffMs: 1000 });
    expect(e).toBeInstanceOf(Error);
    expect([e.name, e.code, e.responseCode, e.backOffMs, e.location]).toEqual([
      'EwsError',
      'ServerBusy',
      'ErrorServerBusy',
      1000,
      undefined,
    ]);
  });
});

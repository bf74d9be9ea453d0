import { normalizeCallerNumber } from './caller-number';

describe('normalizeCallerNumber', () => {
  it.each([
    ['+49 30 1234567', null, '+49301234567'],
    ['tel:+1-425-555-0123;phone-context=example.com', null, '+14255550123'],
    ['sip:+442079460018@sbc.example;user=phone', null, '+442079460018'],
    ['0049 30 1234567', null, '+49301234567'],
    ['0049 30 1234567', 'DE', '+49301234567'],
    ['030 1234567', 'DE', '+49301234567'],
    ['(212) 555-0199', 'US', '+12125550199'],
    ['030 1234567', null, '0301234567'],
    ['1002', 'DE', '1002'],
  ])('%s (region %s) → %s', (original, region, normalized) => {
    expect(normalizeCallerNumber(original, region)).toEqual({ normalized, original });
  });

  it.each(['anonymous', 'Unknown', 'Restricted', 'Jane Doe'])('keeps %s as the original without a number', (original) => {
    expect(normalizeCallerNumber(original, 'DE')).toEqual({ normalized: null, original });
  });

  it('gives nothing for an empty value', () => {
    expect(normalizeCallerNumber('  ', 'DE')).toBeNull();
    expect(normalizeCallerNumber(null, 'DE')).toBeNull();
  });

  it('ignores a region libphonenumber does not know', () => {
    expect(normalizeCallerNumber('030 1234567', 'XX')).toEqual({ normalized: '0301234567', original: '030 1234567' });
  });
});

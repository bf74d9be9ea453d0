import { ensureDebianPackages } from './debian-packages';

describe('ensureDebianPackages', () => {
  it('installs nothing when the packages are there already', () => {
    expect(ensureDebianPackages(['dpkg', 'coreutils'])).toEqual([]);
  });
});

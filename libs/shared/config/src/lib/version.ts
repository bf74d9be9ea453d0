/** The release version. Kept equal to package.json's by a unit test (bump both when releasing). */
export const parleyVersion = '0.1.0';

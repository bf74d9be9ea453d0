import nodeUtil from 'node:util';

/**
 * ews-javascript-api 0.15 calls `util.isNullOrUndefined` when it writes an extended property
 * (`ExtendedPropertyDefinition`); Node removed that helper in v23, so on the project's Node 24 the
 * client throws before sending anything. Tests that drive the client with extended properties put
 * the helper back first. The client's bug, not the server's: real clients on older runtimes never see it.
 */
export function restoreUtilForEwsClient(): void {
  const util = nodeUtil as unknown as { isNullOrUndefined?: (value: unknown) => boolean };
  util.isNullOrUndefined ??= (value) => value === null || value === undefined;
}

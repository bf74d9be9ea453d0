/**
 * ISO 8601 durations as OData's `Edm.Duration` has them (`P1D`, `PT8H`, `PT1H30M`, `P1DT0.5S`):
 * days, hours, minutes and seconds, optionally negative. Years and months have no fixed length,
 * so they are refused rather than guessed. Returns milliseconds, or undefined when unreadable.
 */
const DURATION = /^(-)?P(?:(\d{1,9})D)?(?:T(?:(\d{1,9})H)?(?:(\d{1,9})M)?(?:(\d{1,12}(?:\.\d{1,9})?)S)?)?$/;

export function parseIsoDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  // `P` and `PT` alone name nothing.
  if (!match || text.endsWith('P') || text.endsWith('T')) return undefined;
  const [, minus, days, hours, minutes, seconds] = match;
  const ms =
    Number(days ?? 0) * 86_400_000 +
    Number(hours ?? 0) * 3_600_000 +
    Number(minutes ?? 0) * 60_000 +
    Math.round(Number(seconds ?? 0) * 1000);
  if (!Number.isSafeInteger(ms)) return undefined;
  return minus ? -ms : ms;
}

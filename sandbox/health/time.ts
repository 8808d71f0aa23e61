/** Times as the Ministry writes them: local time of Rabat, without offset (health.md). */
const RABAT = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Africa/Casablanca', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});

/** `2026-11-20T10:15:00` for the instant 2026-11-20T09:15:00Z (Morocco is UTC+1 outside Ramadan). */
export function rabatLocal(at: Date): string {
  return RABAT.format(at).replace(' ', 'T');
}

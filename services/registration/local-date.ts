/** The post's local date, yyyy-MM-dd: validity is counted in the days of the post that holds the registration. */
export function localDate(at: Date, timeZone = 'UTC'): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

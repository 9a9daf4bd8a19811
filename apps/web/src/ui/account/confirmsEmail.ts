/** The typed confirmation matches the account's email (case and surrounding spaces aside, as emails are kept). */
export function confirmsEmail(typed: string, email: string): boolean {
  return email !== "" && typed.trim().toLowerCase() === email.trim().toLowerCase();
}

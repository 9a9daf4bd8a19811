/** While `GET /api/auth/me` decides which screen to show. */
export function Splash() {
  return (
    <main className="splash" aria-busy="true" data-testid="splash">
      <p>Loading…</p>
    </main>
  );
}

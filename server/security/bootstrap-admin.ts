/**
 * `WARROOM_ADMIN_USER` / `WARROOM_ADMIN_PASSWORD`: an admin account created at start, or put back
 * (enabled, role admin, this password) when it was changed, disabled or demoted, so the operator who
 * starts the server can always sign in. Audited as `env:WARROOM_ADMIN_USER`. An account already as
 * the environment says is left alone (its password may have been changed on the admin page).
 */
import type { CredentialStore } from './credentials';

const BY = 'env:WARROOM_ADMIN_USER';

export async function bootstrapAdmin(creds: CredentialStore, account: { username: string; password: string } | null): Promise<void> {
  if (!account) return;
  const { username, password } = account;
  const existing = creds.listAccounts().find((a) => a.username === username);
  if (existing && existing.role === 'admin' && existing.disabledAtMs === null) return;
  await creds.putAccount(username, password, 'admin', BY);
  await creds.audit(BY, 'account.bootstrap', existing ?? null, { username, role: 'admin' });
}
